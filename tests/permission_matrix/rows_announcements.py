"""Permission-matrix rows of announcements (learning/notifications/announcements): the
learner's list, the teacher's and admins' drafts, sending and cancelling, and
announcements to one organisation. Setups:
learning/notifications/announcements/tests/matrix.py."""

from learning.notifications.announcements.tests import matrix as announcements_matrix
from tests.permission_matrix.core import Row, authors, signed_in

_ANN = announcements_matrix.announcements
_ANN_ADMIN = {"anonymous": 401, "student": 403, "teacher": 404}  # another's: admins only
ANN = "/api/v1/teacher/announcements/"

ROWS: list[Row] = [
    # --- announcements (learning/notifications/announcements/tests/matrix.py; "teacher" owns the
    # course of {ann_teacher_draft} and {ann_course}, "other" that of {ann_other_draft}) ---
    Row("GET", "/api/v1/announcements/", signed_in(200), setup=_ANN),
    Row("GET", "/api/v1/announcements/{ann_sent_all}/", signed_in(200), setup=_ANN),
    Row(
        "GET",
        "/api/v1/announcements/{ann_sent_teachers}/",
        {"anonymous": 401, "student": 404, "teacher": 200, "admin": 404},
        setup=_ANN,
        note="sent to teachers",
    ),
    Row("GET", "/api/v1/announcements/{ann_draft_all}/", signed_in(404), setup=_ANN, note="draft"),
    Row("POST", "/api/v1/announcements/", signed_in(405), {}),
    Row("GET", ANN, authors(200), setup=_ANN),
    Row(
        "POST",
        ANN,
        {"anonymous": 401, "student": 403, "teacher": 400, "admin": 201},
        {"title": "t", "body": "b", "target": "all", "channels": ["in_app"]},
        note="to all users",
    ),
    Row(
        "POST",
        ANN,
        authors(201, other_teacher=400),
        {"title": "t", "body": "b", "target": "course", "course": "{ann_course}", "channels": ["in_app"]},
        setup=_ANN,
        note="teacher's course",
    ),
    Row("GET", ANN + "{ann_teacher_draft}/", authors(200, other_teacher=404), setup=_ANN),
    Row("GET", ANN + "{ann_other_draft}/", _ANN_ADMIN | {"admin": 200}, setup=_ANN, note="other's"),
    Row("GET", ANN + "{ann_draft_all}/", _ANN_ADMIN | {"admin": 200}, setup=_ANN, note="admin's"),
    Row("PATCH", ANN + "{ann_teacher_draft}/", authors(200, other_teacher=404), {"title": "new"}, setup=_ANN),
    Row(
        "PATCH",
        ANN + "{ann_other_draft}/",
        _ANN_ADMIN | {"admin": 200},
        {"title": "new"},
        setup=_ANN,
        note="other's",
    ),
    Row(
        "PATCH",
        ANN + "{ann_sent_all}/",
        _ANN_ADMIN | {"admin": 409},
        {"title": "new"},
        setup=_ANN,
        note="sent",
    ),
    Row(
        "PATCH",
        ANN + "{ann_teacher_draft}/",
        authors(400, other_teacher=404),
        {"target": "x"},
        setup=_ANN,
        note="bad input",
    ),
    Row("PUT", ANN + "{ann_teacher_draft}/", authors(405), {}, setup=_ANN),
    Row("DELETE", ANN + "{ann_teacher_draft}/", authors(204, other_teacher=404), setup=_ANN),
    Row("DELETE", ANN + "{ann_other_draft}/", _ANN_ADMIN | {"admin": 204}, setup=_ANN, note="other's"),
    Row("DELETE", ANN + "{ann_sent_all}/", _ANN_ADMIN | {"admin": 409}, setup=_ANN, note="sent"),
    Row("POST", ANN + "{ann_teacher_draft}/send/", authors(202, other_teacher=404), {}, setup=_ANN),
    Row("POST", ANN + "{ann_other_draft}/send/", _ANN_ADMIN | {"admin": 202}, {}, setup=_ANN, note="other's"),
    Row("POST", ANN + "{ann_sent_all}/send/", _ANN_ADMIN | {"admin": 409}, {}, setup=_ANN, note="sent"),
    Row("GET", ANN + "{ann_teacher_draft}/send/", authors(405), setup=_ANN),
    Row("POST", ANN + "{ann_teacher_draft}/cancel/", authors(200, other_teacher=404), {}, setup=_ANN),
    Row(
        "POST", ANN + "{ann_other_draft}/cancel/", _ANN_ADMIN | {"admin": 200}, {}, setup=_ANN, note="other's"
    ),
    Row("POST", ANN + "{ann_sent_all}/cancel/", _ANN_ADMIN | {"admin": 409}, {}, setup=_ANN, note="sent"),
    # --- announcements to one organisation (learning/notifications/announcements/tests/matrix.py):
    # admins only; a teacher's target is refused (400 target_not_allowed) ---
    Row(
        "POST",
        ANN,
        {"anonymous": 401, "student": 403, "teacher": 400, "admin": 201},
        {
            "title": "t",
            "body": "b",
            "target": "organisation",
            "organisation": "{ann_org}",
            "channels": ["in_app"],
        },
        setup=announcements_matrix.organisation,
        note="to an organisation",
    ),
]
