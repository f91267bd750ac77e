"""load_demo's default certificate template, and the sample command that makes the
docs' PNG (through poppler's pdftoppm, a real PNG of the real PDF)."""

import pytest
from django.core.management import call_command

from learning.rewards.certificates import demo
from learning.rewards.certificates.models import CertificateTemplate

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_demo_template_is_loaded_once_and_renders(course, tmp_path):
    assert "created" in demo.load()[0]
    assert "already there" in demo.load()[0]
    template = CertificateTemplate.objects.get(is_default=True)
    assert [s.name for s in template.signatures.all()] == ["Ada Okafor", "Sam Reyes"]

    pdf, png = tmp_path / "sample.pdf", tmp_path / "sample.png"
    call_command("certificate_sample", pdf=str(pdf), png=str(png), holder="Sam Student")
    text = pdf_text(pdf.read_bytes())
    assert "Sam Student" in text and "Ada Okafor" in text and course.title in text
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
