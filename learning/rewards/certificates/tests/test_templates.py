"""Certificate templates: the course's own template wins over the default, placeholders
are checked at save, every save is a new version the certificate records, and nothing a
template says can make the renderer fetch a URL (a local HTTP server counts requests)."""

import http.server
import threading

import pytest
from django.core.exceptions import ValidationError

from learning.rewards.certificates.models import Certificate, CertificateSignature, CertificateTemplate
from learning.rewards.certificates.services import certificate_issue

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _pdf(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as fh:
        return pdf_text(fh.read())


def test_course_template_wins_over_default_and_its_version_is_recorded(course, build_course, student):
    default = CertificateTemplate(name="Default", is_default=True, heading="Default heading")
    default.full_clean()
    default.save()
    own = CertificateTemplate(name="Own", course=course, heading="Course heading {{ course_title }}")
    own.signatures = [CertificateSignature(name="Dr. Signer", role="Dean")]
    own.full_clean()
    own.save()
    own.heading = "Course heading v2"
    own.save()
    assert own.version == 2

    certificate = certificate_issue(user=student, course=course)
    text = _pdf(certificate)
    assert "Course heading v2" in text and "Dr. Signer" in text and "Default heading" not in text
    assert (certificate.template_id, certificate.template_version) == (own.pk, 2)

    other = certificate_issue(user=student, course=build_course(title="Other course"))
    assert "Default heading" in _pdf(other)
    assert other.template_id == default.pk


def test_unknown_placeholders_and_bad_colours_are_refused(course):
    template = CertificateTemplate(
        name="Bad", body="<p>{{ holder_name.password }} {{ secret }}</p>", accent_colour="red"
    )
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    errors = refused.value.message_dict
    assert set(errors) == {"body", "accent_colour"}
    assert "secret" in errors["body"][0] and "holder_name.password" not in errors["body"][0]
    both = CertificateTemplate(name="Both", is_default=True, course=course)
    with pytest.raises(ValidationError):
        both.full_clean()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_renderer_fetches_nothing_a_template_names(course, student, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    _Recorder.hits = []
    try:
        template = CertificateTemplate(
            name="Hostile",
            is_default=True,
            body=(
                f'<img src="{origin}/img.png"><link rel="stylesheet" href="{origin}/style.css">'
                f'<object data="file://{secret}"></object><iframe src="file://{secret}"></iframe>'
                f'<p>{{{{ holder_name }}}}</p><img src="file://{secret}">'
            ),
            css=f'@import url("{origin}/import.css"); body {{ background: url("{origin}/bg.png"); }}'
            f' @font-face {{ font-family: X; src: url("{origin}/font.woff"); }} p {{ font-family: X; }}',
        )
        template.full_clean()
        template.save()
        certificate = certificate_issue(user=student, course=course)
    finally:
        server.shutdown()
    assert certificate.issue_status == "issued"
    assert _Recorder.hits == []
    text = _pdf(certificate)
    assert "TOP-SECRET" not in text
    assert student.get_full_name() in text  # no display name: first and last name
