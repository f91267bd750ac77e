"""Certificates and the templates they are rendered from (docs/certificates.md).

`Certificate` is one issued (or being issued) certificate: the holder's name and the
course title are snapshots taken at issue time, so a later rename of either never
changes a certificate already handed out. At most one *valid* certificate exists per
learner and course (a conditional unique constraint, which is what makes racing
completions issue one). Revoking keeps the row (the public verification answers
"revoked"); re-issuing revokes the old one and links it to its successor.

`issue_status` is the job's state a client polls (pending -> issued | failed); `status`
is the credential's (valid | revoked).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from . import defaults
from .placeholders import PLACEHOLDERS, unknown_placeholders

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError("Use a colour as #rrggbb, e.g. #1f3a5f.", code="invalid_colour")


def _placeholder_help() -> str:
    return "Placeholders: " + ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)


class CertificateTemplate(ClusterableModel):
    """A certificate design authored in the Wagtail editor (a snippet): HTML with
    placeholders, CSS, a logo, colours and signatures. A template names a course, or is
    the default for courses without their own. Every save bumps `version`; a
    certificate records the version it was rendered with."""

    name = models.CharField(max_length=120)
    course = models.OneToOneField(
        "cms.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificate_template",
        help_text="The course this design is for. Leave empty (and tick 'default') for the design "
        "every other course uses.",
    )
    is_default = models.BooleanField(
        default=False, help_text="Used for courses that have no template of their own."
    )
    heading = models.CharField(max_length=120, default=defaults.DEFAULT_HEADING)
    body = models.TextField(default=defaults.default_body, help_text="HTML. " + _placeholder_help())
    css = models.TextField(
        default=defaults.default_css,
        blank=True,
        help_text="CSS. Fonts come from the server's installed fonts (e.g. DejaVu Serif, Liberation Sans); "
        "{{ primary_colour }} and {{ accent_colour }} may be used.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    primary_colour = models.CharField(
        max_length=7, default=defaults.DEFAULT_PRIMARY_COLOUR, validators=[validate_colour]
    )
    accent_colour = models.CharField(
        max_length=7, default=defaults.DEFAULT_ACCENT_COLOUR, validators=[validate_colour]
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("course"), FieldPanel("is_default")], heading="Used for"),
        FieldPanel("heading"),
        HelpPanel(content="<p>" + _placeholder_help() + "</p>"),
        FieldPanel("body"),
        FieldPanel("css"),
        FieldPanel("logo"),
        MultiFieldPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")], heading="Colours"),
        InlinePanel("signatures", label="Signatures", max_num=4),
    ]

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="certificates_one_default_template",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        for field in ("body", "css", "heading"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = ValidationError(
                    "Unknown placeholder(s): %(names)s. " + _placeholder_help(),
                    code="unknown_placeholder",
                    params={"names": ", ".join(unknown)},
                )
        if self.is_default and self.course_id:
            errors["is_default"] = ValidationError(
                "The default template is for every course without its own: leave the course empty.",
                code="default_with_course",
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A new version per save: certificates record which one they were rendered with,
        # and the render cache keys on it.
        if self.pk is not None:
            current = type(self).objects.filter(pk=self.pk).values_list("version", flat=True).first()
            self.version = (current or 0) + 1
        super().save(*args, **kwargs)


class CertificateSignature(Orderable):
    template = ParentalKey(CertificateTemplate, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("image")]

    def __str__(self):
        return self.name


class IssueStatus(models.TextChoices):
    PENDING = "pending"
    ISSUED = "issued"
    FAILED = "failed"


class CertificateStatus(models.TextChoices):
    VALID = "valid"
    REVOKED = "revoked"


def certificate_pdf_path(instance, filename):
    # The serial is random (not a counter), so paths reveal nothing; files are served
    # only through the owner's download endpoint.
    return f"certificates/{instance.user_id}/{instance.serial}.pdf"


class Certificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    # Human-readable, unique, random (MRICT-2026-7K3D-QX9P): printed on the certificate.
    serial = models.CharField(max_length=40, unique=True)
    # Unguessable: the public verification URL ends with it.
    verification_code = models.CharField(max_length=64, unique=True)
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=certificate_pdf_path, max_length=255, blank=True)

    issue_status = models.CharField(max_length=16, choices=IssueStatus.choices, default=IssueStatus.PENDING)
    failure_reason = models.TextField(blank=True)

    status = models.CharField(
        max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    template = models.ForeignKey(
        CertificateTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    # Set on a certificate that was re-issued: the one that replaced it.
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(status="valid"),
                name="certificates_one_valid_per_course",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="certificates_user_created")]

    def __str__(self):
        return f"{self.serial} ({self.holder_name}, {self.course_title})"

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID
