"""HTTP caching of the content reads: strong ETags, 304 on If-None-Match,
Cache-Control and Vary.

* ETag: a hash of the exact body bytes (strong), so it changes whenever a publish
  changes what the body says and stays the same as long as it does not.
* Cache-Control: the catalog is the same for every signed-in caller, so a CDN may hold
  it briefly (`public, max-age=CATALOG_MAX_AGE, stale-while-revalidate=
  CATALOG_STALE_WHILE_REVALIDATE`); everything else (a course, a lesson: the caller's
  right to read it is checked on every request; per-learner progress) is `private,
  no-cache`: a browser may keep it but revalidates it every time (a 304 costs no body).
* Vary: Authorization on all of them: the answer depends on who asks (401 without a
  token, per-caller attachment links in lessons), so a shared cache must never hand one
  caller's copy to another. No Accept-Language: nothing here is translated (there is no
  LocaleMiddleware and content has one language); no Accept: JSON is the only renderer.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

PRIVATE = "private, no-cache"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def catalog_cache_control() -> str:
    return (
        f"public, max-age={settings.CATALOG_MAX_AGE}, "
        f"stale-while-revalidate={settings.CATALOG_STALE_WHILE_REVALIDATE}"
    )


def _matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    tags = parse_etags(header)
    return "*" in tags or etag in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def json_response(request, body: bytes, *, etag: str | None = None, cache_control: str = PRIVATE):
    """The body as a ready JSON response (no renderer involved), or 304 when the
    caller's If-None-Match already names it."""
    etag = etag or etag_of(body)
    if _matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ["Authorization"])
    return response
