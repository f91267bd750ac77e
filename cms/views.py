"""The built-in preview page: what the editor's Preview shows when no front end is set.

The editor's Preview (wagtail-headless-preview) stores the draft and opens
`<FRONTEND_PREVIEW_URL>?content_type=…&token=…` in the preview panel's iframe or a new
tab. By default that URL is this page, `/preview/`, so Preview works after `make run`
without a front end; a real front end takes over by setting FRONTEND_PREVIEW_URL.

It renders the same data as `/api/v1/preview/`: the token goes through the same check
(cms.selectors.preview_page_get) and the draft through the same shaping
(cms.api.shaping.preview_payload). Everything from authors is escaped by the template,
except rich text, which was sanitised when it was written (the editor's Draftail
converter; the API and import through cms.services.input.rich_text_clean). The response
forbids scripts, frames and outside resources (Content-Security-Policy) and may be
framed only by the editor's own origin.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlparse

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from cms import selectors
from cms.api import shaping
from cms.templatetags.preview_tags import FORMATTER

# The page's stylesheet (ours, then Pygments' colours for highlighted code), inlined in
# one <style> element that the Content-Security-Policy allows by its hash.
PAGE_CSS = (Path(__file__).parent / "templates" / "cms" / "preview.css").read_text(encoding="utf-8")
STYLESHEET = PAGE_CSS + FORMATTER.get_style_defs(".highlight") + "\n"
STYLESHEET_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLESHEET.encode()).digest()).decode()


def _content_security_policy(image_origins: set[str]) -> str:
    images = " ".join(["'self'", *sorted(image_origins)])
    return (
        "default-src 'none'; "
        f"style-src '{STYLESHEET_HASH}'; "
        f"img-src {images}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def _origin(url) -> str | None:
    """scheme://host[:port] of an absolute http(s) URL (image renditions on S3 or a CDN
    domain), None for a path on this site."""
    parsed = urlparse(str(url or ""))
    if parsed.scheme in {"http", "https"} and parsed.netloc:
        origin = f"{parsed.scheme}://{parsed.netloc}"
        if all(c.isalnum() or c in ".-:[]" for c in parsed.netloc):
            return origin
    return None


def _image_origins(fields: dict) -> set[str]:
    images = [fields.get("cover_image")]
    images += [block["value"].get("image") for block in fields.get("body") or [] if block["type"] == "image"]
    urls = [r.get("url") for image in images if image for r in image.get("renditions", {}).values()]
    return {origin for origin in map(_origin, urls) if origin}


def _respond(request, template: str, context: dict, *, status: int, image_origins=frozenset()):
    # The stylesheet is our own constant (no author input), so it is not escaped.
    context = {**context, "stylesheet": mark_safe(STYLESHEET)}  # noqa: S308
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    response["Content-Security-Policy"] = _content_security_policy(set(image_origins))
    # The URL carries the token: never sent on to the sites the author links to.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@never_cache
@xframe_options_sameorigin  # the editor's preview panel frames it (same origin)
def preview_page(request: HttpRequest) -> HttpResponse:
    content_type = request.GET.get("content_type", "")
    token = request.GET.get("token", "")
    if not content_type or not token:
        return _respond(
            request,
            "cms/preview_error.html",
            {"message": "This address needs the content_type and token that the editor's Preview adds."},
            status=400,
        )
    try:
        page = selectors.preview_page_get(content_type=content_type, token=token)
    except Http404:
        return _respond(
            request,
            "cms/preview_error.html",
            {
                "message": "This preview link is invalid or has expired. "
                "Click Preview in the editor again to get a fresh one."
            },
            status=404,
        )
    payload = shaping.preview_payload(page, content_type)
    return _respond(
        request,
        "cms/preview.html",
        {"preview": payload, "fields": payload["fields"], "kind": content_type.removeprefix("cms.")},
        status=200,
        image_origins=_image_origins(payload["fields"]),
    )
