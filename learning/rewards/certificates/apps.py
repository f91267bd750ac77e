from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Certificates (docs/certificates.md). Hears `CourseCompleted` and `QuizPassed` (a
    course's final quiz) on the event bus and issues the learner's certificate in a
    django-q2 job; publishes `CertificateIssued`
    and `CertificateRevoked`."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.rewards.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from auditlog.registry import auditlog

        from learning.events import CourseCompleted, QuizPassed, bus

        from .models import Certificate, CertificateTemplate

        bus.subscribe(CourseCompleted, "learning.rewards.certificates.handlers.on_course_completed", job=True)
        # A course may require passing its final quiz (QuizPage.is_final): the pass may
        # come after the completion.
        bus.subscribe(QuizPassed, "learning.rewards.certificates.handlers.on_quiz_passed", job=True)

        # Revocations and re-issues (who, when, why) and template edits are audited.
        auditlog.register(
            Certificate,
            include_fields=[
                "status",
                "revoked_at",
                "revoke_reason",
                "revoked_by",
                "superseded_by",
                "holder_name",
            ],
        )
        auditlog.register(CertificateTemplate, exclude_fields=["updated_at"])
