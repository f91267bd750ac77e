"""Input and output shapes of the certificates API."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from site_config.api import serializers as api

from ..links import verification_url
from ..models import CertificateStatus, IssueStatus


class CertificateSerializer(api.Serializer):
    """One of my certificates. `issue_status` is the job's state (poll it); `status`
    the credential's. `pdf_url` is set once the PDF is stored."""

    id = serializers.IntegerField(read_only=True)
    course = serializers.IntegerField(
        source="course_id", allow_null=True, help_text="The course (null if deleted)."
    )
    course_title = serializers.CharField(help_text="The course's title at issue time.")
    holder_name = serializers.CharField(help_text="The learner's name at issue time.")
    serial = serializers.CharField()
    verification_code = serializers.CharField()
    verification_url = serializers.SerializerMethodField()
    issue_status = serializers.ChoiceField(choices=IssueStatus.choices)
    failure_reason = serializers.CharField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    created_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    pdf_url = serializers.SerializerMethodField()

    def get_verification_url(self, obj) -> str:
        return verification_url(obj.verification_code)

    def get_pdf_url(self, obj) -> str | None:
        if obj.issue_status != IssueStatus.ISSUED or not obj.pdf:
            return None
        return f"/api/v1/me/certificates/{obj.pk}/pdf/"


class AdminCertificateSerializer(CertificateSerializer):
    """A certificate as admins see it: whose, why revoked, by whom, which template."""

    user = StaffUserSummarySerializer()
    revoke_reason = serializers.CharField()
    revoked_by = StaffUserSummarySerializer(allow_null=True)
    template = serializers.IntegerField(source="template_id", allow_null=True)
    template_version = serializers.IntegerField(allow_null=True)


class FinalQuizStatusSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    passed = serializers.BooleanField(help_text="Your quiz grade (by its grading method) passes it.")


class CourseCertificateStatusSerializer(api.Serializer):
    """Where my certificate for a course stands: `none` (course not completed),
    `awaiting_final_quiz` (completed, but a final quiz of the course is not passed: see
    `final_quizzes`; passing it issues the certificate), `pending` (earned; the job has
    not stored the PDF yet), `issued`, `failed`, or `revoked` (my newest certificate for
    the course was revoked and not re-issued)."""

    state = serializers.ChoiceField(
        choices=["none", "awaiting_final_quiz", "pending", "issued", "failed", "revoked"]
    )
    certificate = CertificateSerializer(allow_null=True)
    final_quizzes = FinalQuizStatusSerializer(
        many=True,
        help_text="The course's final quizzes (live ones), each of which the certificate requires "
        "passing; empty when the course has none.",
    )


class VerificationSerializer(api.Serializer):
    """The public answer: valid or revoked, with the holder's name, course and date
    (nothing else)."""

    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    holder_name = serializers.CharField()
    course_title = serializers.CharField()
    issued_on = serializers.DateField(help_text="The date of issue (UTC).")


class ReasonSerializer(api.Serializer):
    reason = serializers.CharField(max_length=settings.CERTIFICATE_REASON_MAX_CHARS, trim_whitespace=True)
