"""The live preview: a project's files served as a static site that can never act as
the platform (docs/projects.md, "Isolation").

Every preview response, files and errors alike, carries:

- `Content-Security-Policy` with `sandbox allow-scripts` (no `allow-same-origin`: the
  page runs in an opaque origin, so it has no access to any origin's cookies,
  localStorage or IndexedDB, even when served by the platform's own host), a
  `default-src` limited to this preview's own URL prefix (its token or project path),
  `connect-src 'none'` (no fetch/XHR/WebSocket/beacon anywhere, the API included),
  `form-action 'none'`, `base-uri 'none'`, and `frame-ancestors` limited to the front end;
- `X-Content-Type-Options: nosniff` and a content type from an allow-list by extension
  (anything else is `text/plain`);
- `Referrer-Policy: no-referrer` (the token in the URL never leaks to another site),
  `Cache-Control: private, no-store`, `Cross-Origin-Resource-Policy: same-origin`.

No cookie is ever set, and the token previews ignore every cookie and Authorization
header: they are authenticated by a short-lived signed token in the URL path, scoped to
one project (never the platform's access token). With PROJECT_PREVIEW_ORIGIN set they
are served only from that origin (site_config.middleware-free: PreviewHostMiddleware).
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, JsonResponse

from learning.filepaths import path_normalise

TOKEN_SALT = "learning.projects.preview"  # noqa: S105 (a signing namespace, not a secret)

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "md": "text/plain; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
FALLBACK_TYPE = "text/plain; charset=utf-8"

PREVIEW_PREFIX = "/api/v1/project-preview/"
SHARE_PREFIX = "/api/v1/shared/"


def preview_token_make(*, project) -> str:
    return signing.dumps({"p": project.pk, "o": project.owner_id}, salt=TOKEN_SALT, compress=False)


def preview_token_read(token: str) -> dict | None:
    """{"p": project id, "o": owner id}, or None when forged or older than
    PROJECT_PREVIEW_TOKEN_SECONDS."""
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=settings.PROJECT_PREVIEW_TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) and {"p", "o"} <= set(value) else None


def preview_base(request) -> str:
    """Scheme and host previews are served from: PROJECT_PREVIEW_ORIGIN, else this host."""
    return settings.PROJECT_PREVIEW_ORIGIN or f"{request.scheme}://{request.get_host()}"


def frame_ancestors() -> str:
    origins = settings.PROJECT_PREVIEW_FRAME_ANCESTORS or list(getattr(settings, "CORS_ALLOWED_ORIGINS", []))
    return " ".join(["'self'", *origins])


def policy(prefix_url: str) -> str:
    """The CSP of a preview whose files live under `prefix_url` (absolute, ending in /)."""
    return "; ".join(
        [
            f"default-src {prefix_url}",
            f"script-src {prefix_url} 'unsafe-inline'",
            f"style-src {prefix_url} 'unsafe-inline'",
            f"img-src {prefix_url} data:",
            f"font-src {prefix_url} data:",
            "connect-src 'none'",
            "object-src 'none'",
            "worker-src 'none'",
            "manifest-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors()}",
            "sandbox allow-scripts",
        ]
    )


def _harden(response, prefix_url: str):
    response["Content-Security-Policy"] = policy(prefix_url)
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response.xframe_options_exempt = True  # framing is governed by frame-ancestors above
    return response


def preview_error(*, status: int, code: str, detail: str, prefix_url: str):
    """An error of a preview URL: the API's one error shape, with the preview headers."""
    error_type = "server_error" if status >= 500 else "client_error"
    response = JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status
    )
    return _harden(response, prefix_url)


def preview_file_response(*, files: list[dict], path: str, prefix_url: str):
    """The file at `path` (a folder or "" means its index.html) with the preview headers,
    or a 404 in the error shape with the same headers."""
    path = path or ""
    if path == "" or path.endswith("/"):
        path += "index.html"
    path = path_normalise(posixpath.normpath(path))
    found = next((f for f in files if f["path"] == path), None)
    if found is None:
        return preview_error(
            status=404, code="not_found", detail="No such file in this project.", prefix_url=prefix_url
        )
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    response = HttpResponse(found["content"].encode(), content_type=CONTENT_TYPES.get(ext, FALLBACK_TYPE))
    return _harden(response, prefix_url)


class PreviewHostMiddleware:
    """With PROJECT_PREVIEW_ORIGIN set, its host serves previews only (token previews
    and shared sites), and the platform's hosts no longer serve those: a learner's page
    never shares an origin with the platform, and the preview host exposes nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = settings.PROJECT_PREVIEW_ORIGIN
        if origin:
            preview_host = origin.split("://", 1)[-1].lower()
            on_preview_host = request.get_host().lower() == preview_host
            is_preview_path = request.path.startswith(PREVIEW_PREFIX) or (
                request.path.startswith(SHARE_PREFIX) and "/site/" in request.path
            )
            if on_preview_host != is_preview_path:
                response = JsonResponse(
                    {
                        "type": "client_error",
                        "errors": [
                            {
                                "code": "not_found",
                                "detail": "Nothing at this address on this host.",
                                "attr": None,
                            }
                        ],
                    },
                    status=404,
                )
                return _harden(response, origin + "/") if on_preview_host else response
        return self.get_response(request)
