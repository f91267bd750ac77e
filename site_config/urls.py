import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from cms.api.wagtail_api import api_router as cms_api_router

from . import health, metrics
from .api.docs import RedocDocsView, SwaggerDocsView
from .api.errors import api_not_found
from .api.views import PingView

# The /api/v1/ router: every app mounts its own urls module here.
api_v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    path("auth/", include("learning.accounts.api.urls")),
    path("", include("learning.progress.api.urls")),
    path("", include("cms.api.urls")),
    path("", include("learning.coding.api.urls")),
    path("", include("learning.projects.api.urls")),
    path("", include("learning.assessments.api.urls")),
    path("", include("learning.assessments.analysis.api.urls")),
    path("", include("learning.assessments.importing.api.urls")),
    path("", include("tutor.api.urls")),
    path("", include("learning.recordings.api.urls")),
    path("", include("learning.recordings.api.timeline_urls")),
    path("", include("learning.rewards.api.urls")),
    path("", include("learning.rewards.openbadges.api.urls")),
    path("", include("learning.rewards.certificates.api.urls")),
    path("", include("learning.notifications.sms.api.urls")),
    path("", include("learning.notifications.announcements.api.urls")),
    path("", include("learning.notifications.api.urls")),
    path("admin/", include("learning.accounts.api.admin_urls")),
    path("", include("learning.audit.api.urls")),
    path("", include("learning.moderation.api.urls")),
    path("", include("learning.analytics.api.urls")),
    path("", include("learning.accounts.api.organisation_urls")),
    path("", include("learning.analytics.exports.api.urls")),
    path("", include("learning.analytics.rollups.api.urls")),
]

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    # Prometheus, for the scraper's credential only (METRICS_TOKEN; docs/operations.md).
    path("metrics", metrics.metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocDocsView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    # The second factor after the editor's / Django admin's password (docs/admin-security.md).
    path("admin/2fa/", include("learning.accounts.second_factor.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The built-in preview page: FRONTEND_PREVIEW_URL's default (docs/preview.md).
    path("preview/", cms_views.preview_page, name="preview-page"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Attachments (Wagtail documents, drafts' included) are files under MEDIA_ROOT too:
    # they come out only through /documents/<id>/<name>, which checks the caller.
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}documents/", api_not_found)]
    # Recordings' videos (and unfinished uploads) too: through /api/v1/recordings/{id}/video/.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}recording(s|-uploads)/", api_not_found)
    ]
    # Report exports: through their signed links only (/api/v1/analytics/exports/download/).
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}private/", api_not_found)]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail API v2 (pages, images, documents), before the /api/ catch-all below.
    path("api/cms/", cms_api_router.urls),
    # Nothing else lives under /api/: answer 404 in the error shape rather than let
    # Wagtail's page catch-all (and APPEND_SLASH redirects) see the path.
    re_path(r"^api/", api_not_found),
    path("", include(wagtail_urls)),
]

handler404 = "site_config.api.errors.handler404"
handler500 = "site_config.api.errors.handler500"
