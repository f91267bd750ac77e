"""The PDF of a certificate, rendered by WeasyPrint from a template's HTML and CSS.

Speed: one `FontConfiguration` per process (fontconfig's font list is read once) and the
parsed stylesheet of each template design kept in a small LRU cache keyed by the filled
CSS text, so only the HTML is parsed per certificate (bench/scenarios_certificates.py).

Safety: the template's HTML is filled by `placeholders.fill` (values escaped); images
(logo, signatures, QR code) are inlined as data: URIs, and WeasyPrint may fetch nothing
else: the URL fetcher allows the data: scheme only, so authored HTML or CSS cannot
read local files or call the network. Fonts are the system's (fontconfig), never
downloaded.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import mimetypes
import threading

import segno
from django.conf import settings
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import defaults
from .links import verification_url  # noqa: F401  (re-exported for callers of render)
from .placeholders import fill

# WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES, and with it
# every later Image.load() in the process accepts a truncated file: the avatar check
# (learning/accounts/images.py) would pass a broken upload. Pillow's default, back: a
# truncated image in a certificate template fails its render with an error instead.
ImageFile.LOAD_TRUNCATED_IMAGES = False

IMAGE_RENDITION = "max-800x400"


@dataclasses.dataclass(frozen=True)
class Signature:
    name: str
    role: str = ""
    image_uri: str = ""


@dataclasses.dataclass(frozen=True)
class Design:
    """What a template says, with its images already as data: URIs."""

    heading: str = defaults.DEFAULT_HEADING
    body: str = defaults.DEFAULT_BODY
    css: str = defaults.DEFAULT_CSS
    primary_colour: str = defaults.DEFAULT_PRIMARY_COLOUR
    accent_colour: str = defaults.DEFAULT_ACCENT_COLOUR
    logo_uri: str = ""
    signatures: tuple[Signature, ...] = ()


@dataclasses.dataclass(frozen=True)
class Facts:
    """What one certificate says."""

    holder_name: str
    course_title: str
    issued_at: dt.datetime
    serial: str
    verification_code: str
    verification_url: str


def _image_uri(image) -> str:
    if image is None:
        return ""
    rendition = image.get_rendition(IMAGE_RENDITION)
    with rendition.file.open("rb") as fh:
        data = fh.read()
    mime = mimetypes.guess_type(rendition.file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def design_from_template(template) -> Design:
    """A `CertificateTemplate` (or None: the built-in design) as a `Design`."""
    if template is None:
        return Design()
    return Design(
        heading=template.heading,
        body=template.body,
        css=template.css,
        primary_colour=template.primary_colour,
        accent_colour=template.accent_colour,
        logo_uri=_image_uri(template.logo),
        signatures=tuple(
            Signature(name=s.name, role=s.role, image_uri=_image_uri(s.image))
            for s in template.signatures.all()
        ),
    )


def issued_date(when: dt.datetime) -> str:
    return f"{when.day} {when:%B %Y}"


@functools.cache
def font_config() -> FontConfiguration:
    """One per process: building it reads fontconfig's font list."""
    return FontConfiguration()


def url_fetcher() -> URLFetcher:
    """Data URIs only: nothing on disk or on the network is ever read for a certificate."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


@functools.lru_cache(maxsize=max(1, settings.CERTIFICATE_CSS_CACHE_SIZE))
def _stylesheet(css_text: str) -> CSS:
    return CSS(string=css_text, font_config=font_config(), url_fetcher=url_fetcher())


def css_cache_info():
    return _stylesheet.cache_info()


def _attr(value: str) -> str:
    import html

    return html.escape(value, quote=True)


def _signatures_markup(signatures: tuple[Signature, ...]) -> str:
    if not signatures:
        return ""
    parts = []
    for s in signatures:
        image = f'<img src="{_attr(s.image_uri)}" alt="">' if s.image_uri else ""
        role = f'<span class="role">{_attr(s.role)}</span>' if s.role else ""
        parts.append(f'<div class="signature">{image}<strong>{_attr(s.name)}</strong><br>{role}</div>')
    return '<div class="signatures">' + "".join(parts) + "</div>"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_html(design: Design, facts: Facts) -> tuple[str, str]:
    """(html, css) with every placeholder filled."""
    text_values = {
        "holder_name": facts.holder_name,
        "course_title": facts.course_title,
        "issued_date": issued_date(facts.issued_at),
        "serial": facts.serial,
        "verification_code": facts.verification_code,
        "verification_url": facts.verification_url,
        "heading": design.heading,
        "primary_colour": design.primary_colour,
        "accent_colour": design.accent_colour,
    }
    markup_values = {
        "qr_code": f'<img class="qr-code" src="{qr_data_uri(facts.verification_url)}" alt="QR code">',
        "logo": f'<img class="logo" src="{_attr(design.logo_uri)}" alt="">' if design.logo_uri else "",
        "signatures": _signatures_markup(design.signatures),
    }
    body = fill(design.body, text_values=text_values, markup_values=markup_values)
    # The CSS gets the colours only (validated #rrggbb); nothing a learner typed.
    css = fill(
        design.css,
        text_values={"primary_colour": design.primary_colour, "accent_colour": design.accent_colour},
        markup_values={},
    )
    title = _attr(f"{design.heading}: {facts.course_title}")
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )
    return document, css


# WeasyPrint does not promise thread safety and the font configuration and stylesheets
# are shared: one render at a time per process (jobs run in processes; threads of one
# process, e.g. a threaded web server, queue here).
_render_lock = threading.Lock()


def render_pdf(design: Design, facts: Facts) -> bytes:
    document, css = render_html(design, facts)
    with _render_lock:
        html = HTML(string=document, url_fetcher=url_fetcher(), base_url="data:,")
        return html.write_pdf(stylesheets=[_stylesheet(css)], font_config=font_config())
