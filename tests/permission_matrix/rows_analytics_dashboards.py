"""Permission-matrix rows of the analytics dashboards (learning/analytics/rollups,
docs/analytics.md#dashboards). Organisation admins are not one of the matrix's
callers: their rows (own organisation 200, another's 404) are in
learning/analytics/rollups/tests/test_dashboards.py."""

from cms.tests import matrix as cms_matrix
from tests.permission_matrix.core import Row

URL = "/api/v1/analytics/dashboards/"


def _courses(callers) -> dict:
    return cms_matrix.teacher_draft(callers) | cms_matrix.other_draft(callers)


ROWS = [
    Row("GET", URL, {"anonymous": 401, "student": 403, "teacher": 200, "admin": 200}),
    # a teacher's own course; the third teacher owns nothing: 404
    Row(
        "GET",
        URL + "active_learners/?course={draft_course}",
        {"anonymous": 401, "student": 403, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=_courses,
    ),
    Row(
        "GET",
        URL + "funnel/?course={other_course}",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=_courses,
        note="another teacher's course",
    ),
    Row(
        "GET",
        URL + "new_signups/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        note="platform-wide: admins and organisation admins",
    ),
]
