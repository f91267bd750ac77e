"""Use cases that change certificates (the only place that does). Publishes
`CertificateIssued` and `CertificateRevoked` on the event bus, after commit.

Issuing is two steps, so that racing completions make one certificate and a slow
render holds no lock:

1. `certificate_request`: insert a pending row with the snapshots (holder name, course
   title), a random serial and an unguessable verification code. The conditional unique
   constraint (one valid certificate per learner and course) makes a second, racing
   insert fail; the loser takes the winner's row.
2. `certificate_render`: render the PDF outside any transaction, store it, then flip the
   row to issued with a conditional UPDATE (`issue_status` still pending or failed). One
   renderer wins; a loser deletes its file. Only the winner publishes `CertificateIssued`.
"""

from __future__ import annotations

import contextlib
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.events import CertificateIssued, CertificateRevoked, bus

from . import selectors
from .models import Certificate, CertificateStatus, IssueStatus

log = logging.getLogger("mrict.certificates")

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CertificateConflict(Exception):
    """The certificate's state forbids this change (409); `code` is the API error code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def new_serial(*, year: int) -> str:
    blocks = ["".join(secrets.choice(CROCKFORD) for _ in range(4)) for _ in range(2)]
    return f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-{blocks[0]}-{blocks[1]}"


def new_verification_code() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, 32 URL-safe characters


def holder_name_of(user) -> str:
    """The learner's name as the profile says now: the display name, else first and last
    name, else the part of the email before the @."""
    return (user.display_name or "").strip() or user.get_full_name().strip() or user.email.split("@")[0]


def _insert_pending(*, user, course, supersedes: Certificate | None = None) -> Certificate:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    user=user,
                    course=course,
                    serial=new_serial(year=timezone.now().year),
                    verification_code=new_verification_code(),
                    holder_name=holder_name_of(user)[:200],
                    course_title=course.title[:255],
                )
                if supersedes is not None:
                    Certificate.objects.filter(pk=supersedes.pk).update(superseded_by=certificate)
                return certificate
        except IntegrityError:
            existing = Certificate.objects.filter(
                user=user, course=course, status=CertificateStatus.VALID
            ).first()
            if existing is not None:
                return existing
            # else: a serial or code collision (astronomically rare): draw again
    raise RuntimeError("could not draw a unique certificate serial")


def certificate_request(*, user, course) -> Certificate:
    """The learner's valid certificate for the course, created pending if there is none.
    Idempotent and safe under races (the DB constraint decides)."""
    existing = Certificate.objects.filter(user=user, course=course, status=CertificateStatus.VALID).first()
    if existing is not None:
        return existing
    return _insert_pending(user=user, course=course)


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render and store the PDF of a pending (or failed) certificate; issued ones are
    left alone. A render error marks the certificate failed (with the reason) rather
    than raising: the learner's status shows it, an admin may re-issue."""
    from . import render  # WeasyPrint: imported by the jobs that render, not by every web process

    certificate = Certificate.objects.select_related("user").get(pk=certificate_id)
    if certificate.issue_status == IssueStatus.ISSUED:
        return certificate
    template = selectors.template_for_course(course_id=certificate.course_id)
    issued_at = timezone.now()
    try:
        pdf = render.render_pdf(
            render.design_from_template(template),
            render.Facts(
                holder_name=certificate.holder_name,
                course_title=certificate.course_title,
                issued_at=issued_at,
                serial=certificate.serial,
                verification_code=certificate.verification_code,
                verification_url=render.verification_url(certificate.verification_code),
            ),
        )
    except Exception as exc:
        log.exception("certificate render failed", extra={"certificate_id": certificate_id})
        Certificate.objects.filter(pk=certificate_id, issue_status=IssueStatus.PENDING).update(
            issue_status=IssueStatus.FAILED, failure_reason=f"The PDF could not be rendered: {exc}"[:2000]
        )
        certificate.refresh_from_db()
        return certificate

    field = certificate.pdf
    stored_name = field.storage.save(
        field.field.generate_filename(certificate, "certificate.pdf"), ContentFile(pdf)
    )
    with transaction.atomic():
        won = Certificate.objects.filter(
            pk=certificate_id, issue_status__in=[IssueStatus.PENDING, IssueStatus.FAILED]
        ).update(
            issue_status=IssueStatus.ISSUED,
            failure_reason="",
            pdf=stored_name,
            issued_at=issued_at,
            template=template,
            template_version=template.version if template else None,
        )
        if won:
            bus.publish(
                CertificateIssued(
                    user_id=certificate.user_id,
                    certificate_id=certificate.pk,
                    course_id=certificate.course_id,
                    serial=certificate.serial,
                    occurred_at=issued_at,
                )
            )
    if not won:
        field.storage.delete(stored_name)  # another worker issued it first
    certificate.refresh_from_db()
    return certificate


def certificate_issue(*, user, course) -> Certificate:
    """Request and render in one go (the completion job runs this)."""
    certificate = certificate_request(user=user, course=course)
    if certificate.issue_status != IssueStatus.ISSUED:
        certificate = certificate_render(certificate_id=certificate.pk)
    return certificate


def certificate_issue_if_earned(*, user_id: int, course_id: int) -> Certificate | None:
    """Issue the learner's certificate if they have earned it: the course is completed
    (the completion exists: an event may be replayed, a completion deleted since) and
    the grade of every live final quiz of the course passes. Called by both jobs
    (`CourseCompleted`, `QuizPassed`), whichever comes last issues; racing jobs make one
    certificate (`certificate_request`). A learner whose only certificates for the
    course were revoked gets none: re-issuing is an admin's act."""
    from cms.models import CoursePage
    from learning.progress.models import CourseCompletion

    completion = (
        CourseCompletion.objects.select_related("user").filter(user_id=user_id, course_id=course_id).first()
    )
    course = CoursePage.objects.filter(pk=course_id).first()
    if completion is None or course is None:
        log.info("no completion to certify", extra={"user_id": user_id, "course_id": course_id})
        return None
    missing = [
        quiz.id for quiz in selectors.final_quizzes_of(user=completion.user, course=course) if not quiz.passed
    ]
    if missing:
        log.info(
            "certificate awaits the final quiz",
            extra={"user_id": user_id, "course_id": course_id, "quiz_ids": missing},
        )
        return None
    certificates = Certificate.objects.filter(user_id=user_id, course_id=course_id)
    if certificates.exists() and not certificates.filter(status=CertificateStatus.VALID).exists():
        log.info("certificate revoked: not issued again", extra={"user_id": user_id, "course_id": course_id})
        return None
    return certificate_issue(user=completion.user, course=course)


def certificate_issue_for_completion(*, user_id: int, course_id: int) -> Certificate | None:
    """The CourseCompleted job."""
    return certificate_issue_if_earned(user_id=user_id, course_id=course_id)


def certificate_issue_for_final_quiz(*, user_id: int, quiz_id: int, course_id: int) -> Certificate | None:
    """The QuizPassed job: a pass of a final quiz of the course may complete the
    requirements (after the course was completed); any other quiz changes nothing."""
    from learning.assessments.models import QuizPage

    if not QuizPage.objects.filter(pk=quiz_id, is_final=True).exists():
        return None
    return certificate_issue_if_earned(user_id=user_id, course_id=course_id)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateConflict("reason_required", "Give a reason.")
    return reason[: settings.CERTIFICATE_REASON_MAX_CHARS]


@contextlib.contextmanager
def _audit_actor(user):
    """The audit log entry of this change names `user` as its actor. (The request's
    auditlog context is set before DRF authenticates a JWT, so it has no user for API
    calls.) The request's context (its client address) is restored afterwards."""
    from auditlog.context import auditlog_value, set_actor

    outer = auditlog_value.get(None)
    try:
        with set_actor(user, remote_addr=(outer or {}).get("remote_addr")):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def _revoke_locked(*, certificate: Certificate, by, reason: str, now) -> None:
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = now
    certificate.revoked_by = by
    certificate.revoke_reason = reason
    with _audit_actor(by):  # django-auditlog records the change (apps.py)
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    bus.publish(
        CertificateRevoked(
            user_id=certificate.user_id,
            certificate_id=certificate.pk,
            course_id=certificate.course_id,
            occurred_at=now,
            revoked_by_id=getattr(by, "pk", None),
        )
    )


def certificate_revoke(*, certificate_id: int, by, reason: str) -> Certificate:
    """Revoke a valid certificate (admins). The public verification answers "revoked"
    from now on; the reason stays on the certificate and in the audit log."""
    reason = _reason(reason)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status == CertificateStatus.REVOKED:
            raise CertificateConflict("already_revoked", "This certificate is already revoked.")
        _revoke_locked(certificate=certificate, by=by, reason=reason, now=timezone.now())
    return certificate


def certificate_reissue(*, certificate_id: int, by, reason: str) -> Certificate:
    """Issue a fresh certificate in place of this one (admins): the name as the profile
    says now, the current template. The old one is revoked (if it was not) and points to
    its successor (`superseded_by`); the new one is rendered in a job (pollable).

    A certificate whose PDF never rendered (pending/failed) is simply rendered again."""
    reason = _reason(reason)
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .get(pk=certificate_id)
        )
        if old.issue_status != IssueStatus.ISSUED and old.status == CertificateStatus.VALID:
            transaction.on_commit(lambda: _enqueue_render(old.pk))
            return old
        if old.superseded_by_id is not None:
            raise CertificateConflict(
                "already_reissued", "This certificate was already re-issued; use its successor."
            )
        if old.course is None:
            raise CertificateConflict("course_deleted", "The course no longer exists: nothing to re-issue.")
        if old.status == CertificateStatus.VALID:
            _revoke_locked(certificate=old, by=by, reason=f"Re-issued: {reason}", now=timezone.now())
        elif Certificate.objects.filter(
            user=old.user, course=old.course, status=CertificateStatus.VALID
        ).exists():
            raise CertificateConflict(
                "valid_exists", "The learner already holds a valid certificate for this course."
            )
        new = _insert_pending(user=old.user, course=old.course, supersedes=old)
        transaction.on_commit(lambda: _enqueue_render(new.pk))
    return new


def _enqueue_render(certificate_id: int) -> None:
    from site_config.jobs import enqueue

    enqueue(
        "learning.rewards.certificates.tasks.certificate_render_job",
        certificate_id,
        queue="heavy",
        task_name=f"certificate-render:{certificate_id}",
    )
