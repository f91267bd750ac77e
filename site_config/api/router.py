"""The one `/api/v1/` router. Apps register their viewsets here and add plain views
to `urlpatterns` in site_config/urls.py."""

from rest_framework.routers import DefaultRouter


class ApiRouter(DefaultRouter):
    include_root_view = False


router = ApiRouter(trailing_slash="/?")
