"""Permission-matrix rows of progress (learning/progress): enrolment, resume, progress
events and the teacher's progress view. Setups: cms/tests/matrix.py."""

from cms.tests import matrix as cms_matrix
from tests.permission_matrix.core import Row, authors, signed_in

ROWS: list[Row] = [
    # --- progress ---
    Row("GET", "/api/v1/me/courses/", signed_in(200)),
    Row("POST", "/api/v1/courses/{live}/enrollment/", signed_in(201), {}, setup=cms_matrix.live_course),
    Row("DELETE", "/api/v1/courses/{live}/enrollment/", signed_in(204), setup=cms_matrix.live_course),
    Row(
        "POST",
        "/api/v1/courses/{draft_course}/enrollment/",
        signed_in(404),
        {},
        setup=cms_matrix.teacher_draft,
        note="draft",
    ),
    Row("GET", "/api/v1/courses/{live}/resume/", signed_in(200), setup=cms_matrix.live_course),
    Row("GET", "/api/v1/courses/{live}/progress/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET",
        "/api/v1/courses/{draft_course}/resume/",
        signed_in(404),
        setup=cms_matrix.teacher_draft,
        note="draft",
    ),
    Row(
        "POST",
        "/api/v1/progress/events/",
        signed_in(200),
        {
            "event_id": "0b7e6a43-6f0e-4f55-9d55-3d8f0f3f2a11",
            "type": "lesson_viewed",
            "lesson_id": "{live_lesson}",
            "occurred_at": "2026-01-01T00:00:00Z",
        },
        setup=cms_matrix.live_course,
        note="not enrolled: rejected per item, 200",
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{live}/progress/",
        authors(200, other_teacher=404),
        setup=cms_matrix.live_course,
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{other_course}/progress/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=cms_matrix.other_draft,
        note="other teacher's course",
    ),
]
