"""Wagtail API v2 at /api/cms/ (pages, images, documents) with the custom fields
exposed through each model's `api_fields`.

Same rules as the rest of the API: JWT auth, authenticated by default, the one error
shape (Wagtail's own `{"message": ...}` errors are converted), and the learner rules:
pages carry lesson bodies and starter files, so they need a verified email like
/api/v1/lessons/ (`IsVerified`, i.e. `user_may_learn`), and a page shows only if it and
all its ancestors are live. Images and
documents list every upload, drafts' included, so they are for teachers and admins;
learners get images and attachments inside lesson bodies.
https://docs.wagtail.org/en/stable/advanced_topics/api/v2/configuration.html
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page

from learning.accounts.permissions import IsTeacherOrAdmin, IsVerified
from site_config.api.pagination import WagtailOffsetPagination

TAGS = ["content: wagtail api v2"]


class _StandardErrors:
    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            exc = exceptions.NotFound(str(exc) or None)
        elif isinstance(exc, BadRequestError):
            exc = exceptions.ValidationError({"query": [str(exc)]})
        return super().handle_exception(exc)


def _listing_schema(kind: str):
    return extend_schema(
        tags=TAGS,
        summary=f"Wagtail API v2: list {kind}",
        operation_id=f"cms_{kind}_list",
        description="Wagtail's own API (fields=, type=, child_of=, search=, offset/limit...). "
        "See the Wagtail API v2 docs for the parameters.",
        parameters=[
            OpenApiParameter("fields", str),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )


def _detail_schema(kind: str):
    return extend_schema(
        tags=TAGS,
        summary=f"Wagtail API v2: one of the {kind}",
        operation_id=f"cms_{kind}_retrieve",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )


class _Documented(_StandardErrors):
    """Explicit schema for Wagtail's viewset actions (spectacular cannot introspect
    their serializers, which are built per request)."""

    kind = "objects"
    pagination_class = WagtailOffsetPagination

    @classmethod
    def get_urlpatterns(cls):
        """Wagtail's routes, with the project's `<id:...>` converter for the detail."""
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<id:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
            path("find/", cls.as_view({"get": "find_view"}), name="find"),
        ]

    def listing_view(self, request):
        return super().listing_view(request)

    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @extend_schema(exclude=True)
    def find_view(self, request):
        return super().find_view(request)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        # A fresh function per class: extend_schema annotates the function object.
        def listing_view(self, request):
            return _Documented.listing_view(self, request)

        def detail_view(self, request, pk):
            return _Documented.detail_view(self, request, pk)

        cls.listing_view = _listing_schema(cls.kind)(listing_view)
        cls.detail_view = _detail_schema(cls.kind)(detail_view)


class CMSPagesAPIViewSet(_Documented, PagesAPIViewSet):
    kind = "pages"
    permission_classes = [IsAuthenticated, IsVerified]

    def get_base_queryset(self):
        hidden_ancestor = Page.objects.filter(
            live=False,
            depth__gte=2,
            depth__lt=OuterRef("depth"),
            path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen),
        )
        # As `pk__in` rather than a bare ~Exists(): Wagtail's search (`?search=`)
        # translates the queryset's filters and only understands field lookups.
        visible = Page.objects.filter(~Exists(hidden_ancestor)).values("pk")
        return super().get_base_queryset().filter(pk__in=visible)


class CMSImagesAPIViewSet(_Documented, ImagesAPIViewSet):
    kind = "images"
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]


class CMSDocumentsAPIViewSet(_Documented, DocumentsAPIViewSet):
    kind = "documents"
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CMSPagesAPIViewSet)
api_router.register_endpoint("images", CMSImagesAPIViewSet)
api_router.register_endpoint("documents", CMSDocumentsAPIViewSet)
