"""Permission-matrix rows of recordings (learning/recordings): authoring, the video, poster
and rendition files, playback, the snapshot timeline, publishing and fork. Setups:
learning/recordings/tests/matrix.py and matrix_timeline.py (and cms/tests/matrix.py for
a course)."""

from cms.tests import matrix as cms_matrix
from learning.recordings.tests import matrix as recordings_matrix
from learning.recordings.tests import matrix_timeline as rec_timeline_matrix
from tests.permission_matrix.core import Row, admins_only, signed_in

# the setup of the playback and timeline rows, and their statuses
_REC = rec_timeline_matrix.recordings
# unpublished, teacher's: another teacher does not see it
_OWNERS = {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200}
_ADMINS = {"anonymous": 401, "student": 404, "teacher": 404, "admin": 200}  # another teacher's
_ADMIN_ONLY = {"anonymous": 401, "student": 403, "teacher": 403}

ROWS: list[Row] = [
    # --- recordings (learning/recordings/tests/matrix.py; RECORDINGS_TEACHERS_MAY_UPLOAD off) ---
    Row("GET", "/api/v1/authoring/recordings/", admins_only(200)),
    Row(
        "POST",
        "/api/v1/authoring/recordings/",
        admins_only(201),
        {"title": "New", "course": "{live}"},
        setup=cms_matrix.live_course,
    ),
    Row(
        "GET",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(200),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "PATCH",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(200),
        {"title": "Renamed"},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(204),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "PUT",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(405),
        {},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "POST",
        "/api/v1/authoring/recordings/{recording}/process/",
        admins_only(202),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{recording}/video/",
        admins_only(415),
        {},
        setup=recordings_matrix.draft_recording,
        note="a JSON body: refused after the permission check, never read",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/video/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished: its course's teacher and admins only",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/video/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/poster/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
        note="published",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/poster/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
        note="published",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/segment00000.ts",
        signed_in(404),
        setup=recordings_matrix.published_recording,
        note="an MP4/WebM rendition has no segments (HLS segments: test_transcode.py)",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/segment00000.ts",
        {"anonymous": 401, "student": 404, "teacher": 404, "admin": 404},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "DELETE",
        "/api/v1/recordings/{recording}/video/",
        admins_only(405),
        setup=recordings_matrix.draft_recording,
    ),
    # --- recordings: playback, snapshot timeline, publishing, fork (learning/recordings/tests/
    # matrix_timeline.py; "teacher" owns the course of rec_published and rec_draft, "other" that
    # of rec_other; teachers may not add snapshots while RECORDINGS_TEACHERS_MAY_UPLOAD is off)
    Row("GET", "/api/v1/recordings/", signed_in(200), setup=_REC),
    Row("GET", "/api/v1/recordings/?course={live}&lesson={live_lesson}", signed_in(200), setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_published}/", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/timeline/?from_ms=0&to_ms=10", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/timeline/",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/timeline/", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/timeline/?from_ms=-1", signed_in(400), setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_published}/state/?t_ms=0", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/state/?t_ms=0",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/state/?t_ms=0", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/state/", signed_in(400), setup=_REC, note="no t_ms"),
    Row(
        "POST",
        "/api/v1/recordings/{rec_published}/fork/",
        signed_in(200),
        {"t_ms": 0, "version": 0},
        setup=_REC,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_other}/fork/",
        _ADMINS | {"admin": 409},
        {"t_ms": 0, "version": 0},
        setup=_REC,
        note="other teacher's, no lesson",
    ),
    Row("POST", "/api/v1/recordings/{rec_published}/fork/", signed_in(400), {"t_ms": -1}, setup=_REC),
    Row(
        "POST",
        "/api/v1/recordings/{rec_draft}/snapshots/",
        _ADMIN_ONLY | {"admin": 201},
        rec_timeline_matrix.SNAPSHOTS,
        setup=_REC,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_other}/snapshots/",
        _ADMIN_ONLY | {"admin": 201},
        rec_timeline_matrix.SNAPSHOTS,
        setup=_REC,
        note="other teacher's",
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_draft}/snapshots/",
        _ADMIN_ONLY | {"admin": 400},
        {"snapshots": [{"id": "m1", "t_ms": -1}]},
        setup=_REC,
        note="bad item",
    ),
    Row("GET", "/api/v1/recordings/{rec_draft}/snapshots/", _ADMIN_ONLY | {"admin": 405}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_draft}/publish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_published}/unpublish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_other}/publish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_draft}/publish/", _ADMIN_ONLY | {"admin": 405}, setup=_REC),
]
