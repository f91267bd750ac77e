"""Permission-matrix rows of certificates (learning/rewards/certificates): the holder's
own, the public verification and the admins' revoke and reissue. Setups:
learning/rewards/certificates/tests/matrix.py (and cms/tests/matrix.py for a course)."""

from cms.tests import matrix as cms_matrix
from learning.rewards.certificates.tests import matrix as certificates_matrix
from tests.permission_matrix.core import Row, admins_only, everyone, signed_in

ROWS: list[Row] = [
    # --- certificates (learning/rewards/certificates): "student" holds the certificate ---
    Row("GET", "/api/v1/me/certificates/", signed_in(200)),
    Row(
        "GET",
        "/api/v1/me/certificates/{certificate}/",
        {"anonymous": 401, "student": 200, "teacher": 404, "admin": 404},
        setup=certificates_matrix.student_certificate,
        note="the holder's only",
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{certificate}/pdf/",
        {"anonymous": 401, "student": 200, "teacher": 404, "admin": 404},
        setup=certificates_matrix.student_certificate,
        note="the holder's only",
    ),
    Row("GET", "/api/v1/courses/{live}/certificate/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET",
        "/api/v1/certificates/verify/{code}/",
        everyone(200),
        setup=certificates_matrix.student_certificate,
        note="public",
    ),
    Row("GET", "/api/v1/certificates/verify/unknown-code/", everyone(404), note="public; unknown code"),
    Row(
        "POST",
        "/api/v1/certificates/verify/{code}/",
        everyone(405),
        {},
        setup=certificates_matrix.student_certificate,
    ),
    Row("GET", "/api/v1/certificates/", admins_only(200)),
    Row(
        "POST",
        "/api/v1/certificates/{certificate}/revoke/",
        admins_only(200),
        {"reason": "matrix"},
        setup=certificates_matrix.student_certificate,
    ),
    Row(
        "POST",
        "/api/v1/certificates/{certificate}/reissue/",
        admins_only(202),
        {"reason": "matrix"},
        setup=certificates_matrix.student_certificate,
    ),
]
