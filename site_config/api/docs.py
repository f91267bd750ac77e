"""The interactive API docs, served whole from this server: Swagger UI at /api/docs/ and
ReDoc at /api/redoc/, both from drf-spectacular-sidecar's static files (pinned with the
package, no CDN). A Content-Security-Policy lets a docs page load nothing from another
origin, so a forgotten outside reference (Redoc's Redocly logo, Swagger UI's validator
badge) is refused by the browser instead of leaking the page's visit.
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

# 'unsafe-inline' for styles only: both UIs set style attributes and Redoc injects its
# styles (styled-components); scripts come from 'self' only (Swagger's init script is its
# own request, SpectacularSwaggerSplitView's `?script`). Redoc's search runs in a worker
# built from a blob: URL.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class _SameOriginOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response


class SwaggerDocsView(_SameOriginOnly, SpectacularSwaggerSplitView):
    """Swagger UI; its init script is a second request to the same URL, so the page
    needs no inline script."""


class RedocDocsView(_SameOriginOnly, SpectacularRedocView):
    """ReDoc, on a page without the Google Fonts links of drf-spectacular's template
    (Redoc falls back to the system's sans-serif)."""

    template_name = "api/redoc.html"
