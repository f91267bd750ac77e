"""Setups for the certificates rows of tests/permission_matrix/rows_certificates.py: a certificate of
the live course issued to "student" (rendered for real), whose code anyone may verify."""

from cms.tests import matrix as cms_matrix


def student_certificate(callers, *, course_id: int | None = None) -> dict:
    """On the live course (built here, or `course_id`'s when the caller has one)."""
    from cms.models import CoursePage

    from ..services import certificate_issue

    values = {"live": course_id} if course_id else cms_matrix.live_course(callers)
    certificate = certificate_issue(user=callers["student"], course=CoursePage.objects.get(pk=values["live"]))
    assert certificate.issue_status == "issued"
    return values | {"certificate": certificate.pk, "code": certificate.verification_code}
