"""`load_demo`: the default certificate template (the built-in design, editable in the
Wagtail editor under Certificate templates). Idempotent."""

from .models import CertificateSignature, CertificateTemplate

DEMO_TEMPLATE_NAME = "Mr ICT default certificate"


def load() -> list[str]:
    existing = CertificateTemplate.objects.filter(is_default=True).first()
    if existing is not None:
        return [f"Default certificate template already there ('{existing.name}')."]
    template = CertificateTemplate(name=DEMO_TEMPLATE_NAME, is_default=True)
    template.signatures = [
        CertificateSignature(name="Ada Okafor", role="Head of teaching"),
        CertificateSignature(name="Sam Reyes", role="Course author"),
    ]
    template.full_clean()
    template.save()
    return [f"Default certificate template '{template.name}' created."]
