"""The placeholders a certificate template's HTML may hold, and the one function that
fills them. Authored HTML is not a Django template (no tags, no filters, no attribute
access): only `{{ name }}` from the fixed list below is replaced, and every value is
HTML-escaped first, except the few that are markup we build ourselves (the QR code, the
logo, the signatures). A learner whose name is `<b>x</b>` gets those characters printed
on the certificate, not bold text."""

import html
import re

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# name -> what it holds (shown in the editor's help text and docs/certificates.md).
TEXT_PLACEHOLDERS = {
    "holder_name": "the learner's name as on their profile when the certificate was issued",
    "course_title": "the course's title when the certificate was issued",
    "issued_date": "the date of issue, e.g. 30 November 2026",
    "serial": "the certificate's serial, e.g. MRICT-2026-7K3D-QX9P",
    "verification_code": "the code the public verification URL ends with",
    "verification_url": "the public verification URL (the QR code points here)",
    "heading": "the template's heading",
    "primary_colour": "the template's primary colour (#rrggbb)",
    "accent_colour": "the template's accent colour (#rrggbb)",
}
MARKUP_PLACEHOLDERS = {
    "qr_code": "an <img> of the QR code of the verification URL",
    "logo": "an <img> of the template's logo (empty without one)",
    "signatures": "the template's signatures (image, name, role), side by side",
}
PLACEHOLDERS = {**TEXT_PLACEHOLDERS, **MARKUP_PLACEHOLDERS}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholder names in `text` that are not in the list (the editor refuses them)."""
    return sorted({m.group(1) for m in PLACEHOLDER.finditer(text or "")} - PLACEHOLDERS.keys())


def fill(text: str, *, text_values: dict[str, str], markup_values: dict[str, str]) -> str:
    """`text` with every known placeholder replaced: text values escaped, markup values
    as given. An unknown name is left as written (the editor refuses those at save)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in text_values:
            return html.escape(str(text_values[name]), quote=True)
        if name in markup_values:
            return markup_values[name]
        return match.group(0)

    return PLACEHOLDER.sub(replace, text or "")
