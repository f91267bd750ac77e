"""The project's URLs plus uploaded avatars served from MEDIA_ROOT, for browser tests
that show one. The project serves media itself only with DEBUG on (runserver); a
deployment serves them from its web server or object storage (STORAGE_BACKEND=s3), and
this route stands in for that file server. MEDIA_ROOT is read per request: the suite
gives every test its own."""

import re

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from site_config.urls import handler404, handler500  # noqa: F401
from site_config.urls import urlpatterns as project_urlpatterns


def avatar_file(request, path):
    return serve(request, f"avatars/{path}", document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}avatars/(?P<path>.+)$", avatar_file),
    *project_urlpatterns,
]
