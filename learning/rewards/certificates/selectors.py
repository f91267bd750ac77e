"""Read queries shared by views and services. Every getter takes the caller and 404s
what they may not see."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Certificate, CertificateTemplate, IssueStatus


def certificates_of(*, user) -> QuerySet[Certificate]:
    """The learner's certificates (every state), newest first: snapshots, no joins needed."""
    return Certificate.objects.filter(user=user).order_by("-created_at", "-pk")


def certificate_get_for_owner(*, user, certificate_id: int) -> Certificate:
    certificate = certificates_of(user=user).filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificate_current_for_course(*, user, course_id: int) -> Certificate | None:
    """The learner's newest certificate for the course (valid first), or None."""
    return (
        Certificate.objects.filter(user=user, course_id=course_id)
        .order_by("-status", "-created_at", "-pk")  # "valid" > "revoked"
        .first()
    )


def certificate_get_by_code(*, code: str) -> Certificate:
    """For the public verification: issued certificates only; anything else (unknown
    code, still pending, failed) is the same 404."""
    certificate = Certificate.objects.filter(verification_code=code, issue_status=IssueStatus.ISSUED).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificates_for_admin(
    *, user_id: int | None = None, course_id: int | None = None
) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("user", "revoked_by").order_by("-created_at", "-pk")
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    return qs


def template_for_course(*, course_id: int | None) -> CertificateTemplate | None:
    """The course's own template, else the default one, else None (built-in design)."""
    templates = CertificateTemplate.objects.prefetch_related("signatures").select_related("logo")
    if course_id is not None:
        own = templates.filter(course_id=course_id).first()
        if own is not None:
            return own
    return templates.filter(is_default=True).first()


def certificate_state_for_course(*, user, course_id: int) -> tuple[str, Certificate | None]:
    """(state, certificate) for the learner's status poll: none | pending | issued |
    failed | revoked. A completion whose job has not run yet reads as pending."""
    from learning.progress.models import CourseCompletion

    certificate = certificate_current_for_course(user=user, course_id=course_id)
    if certificate is not None:
        if certificate.status == "revoked":
            return "revoked", certificate
        return certificate.issue_status, certificate
    if CourseCompletion.objects.filter(user=user, course_id=course_id).exists():
        return "pending", None
    return "none", None
