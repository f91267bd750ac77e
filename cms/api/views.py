"""Content API: the learner catalog/course/lesson reads, headless preview, moderation
for admins and the authoring (teacher write) API.

Views parse and authorise; selectors fetch (404 for anything the user may not see);
services change state. Django's ValidationError / PermissionDenied and the services'
ContentConflict come out in the one error shape (400 / 403 / 409).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView
from wagtail.models import Page

from cms import content_cache, selectors, services
from cms.api import serializers as s
from cms.api import shaping
from cms.models import CourseLevel, CoursePage, LessonPage, ModulePage
from learning.accounts.permissions import IsAdmin, IsTeacherOrAdmin, IsVerified
from site_config.api.parsers import JSONParser, MultiPartParser
from site_config.api.schema import ConflictErrorResponse

CONTENT = ["content"]
AUTHORING = ["content: authoring"]
MODERATION = ["content: moderation"]


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The content cannot change right now."
    default_code = "conflict"


class ContentAPIView(APIView):
    """Maps the services' Django exceptions onto DRF's, so the standard handler renders
    them in the one error shape."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(as_serializer_error(exc))
        elif isinstance(exc, services.ContentConflict):
            exc = Conflict(detail=exc.detail, code=exc.code)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(detail=str(exc) or None)
        return super().handle_exception(exc)


def _parse(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- learner API ---------------------------------------------------------------------------


class CourseListView(ListAPIView):
    """The catalog."""

    serializer_class = s.CourseCardSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("level") or None
        if level and level not in CourseLevel.values:
            raise exceptions.ValidationError({"level": [f"Choose one of: {', '.join(CourseLevel.values)}."]})
        search = (params.get("search") or "").strip()[:100] or None
        return selectors.course_list_for_user(
            user=self.request.user, search=search, tag=params.get("tag") or None, level=level
        )

    @extend_schema(
        tags=CONTENT,
        summary="Course catalog",
        description="Published courses in catalog order, paginated. Drafts and unpublished courses never "
        "appear. `search` goes through the search index (whole words, all of them). Served from the "
        "content cache with a strong `ETag` (send `If-None-Match` for a 304) and `Cache-Control: public, "
        "max-age=CATALOG_MAX_AGE, stale-while-revalidate=CATALOG_STALE_WHILE_REVALIDATE`.",
        parameters=[
            OpenApiParameter("tag", str, description="Tag slug, e.g. `html`"),
            OpenApiParameter("level", str, enum=CourseLevel.values),
            OpenApiParameter("search", str, description="Words in the title, summary or tags"),
        ],
    )
    def get(self, request, *args, **kwargs):
        # Rendered once per publish by the view's own list() (content_cache.renders).
        return content_cache.catalog_response(request)


class CourseDetailView(ContentAPIView):
    @extend_schema(
        tags=CONTENT,
        summary="A published course with its outline",
        description="The course and its published modules and lessons in order, in one response. "
        "Strong `ETag` (304 on `If-None-Match`), `Cache-Control: private, no-cache`.",
        responses={200: s.CourseDetailSerializer},
    )
    def get(self, request, course_id: int):
        return content_cache.course_response(request, course_id=course_id)


class LessonDetailView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        tags=CONTENT,
        summary="A published lesson",
        description="The body as structured JSON blocks (images with rendition URLs, attachments with "
        "download URLs, videos with an embeddable URL), the starter files, and the previous/next lesson "
        "of the course. Needs a verified email. Strong `ETag` (304 on `If-None-Match`), "
        "`Cache-Control: private, no-cache`.",
        responses={200: s.LessonDetailSerializer},
    )
    def get(self, request, lesson_id: int):
        return content_cache.lesson_response(request, lesson_id=lesson_id)


# --- headless preview ------------------------------------------------------------------------


class PreviewView(ContentAPIView):
    """The signed token is the credential: the editor's browser opens the preview URL with
    it (a front end, where the editor may not be logged in, fetches the draft here; the
    built-in /preview/ page, cms.views, reads the same draft through the same check)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=CONTENT,
        summary="Draft content for a preview token",
        description="Returns the draft the editor is previewing. The token comes from the editor's "
        "Preview button (the front end receives `?content_type=…&token=…`); it is signed, expires after "
        "PREVIEW_TOKEN_MAX_AGE seconds, and reveals that one draft only. Bad or expired tokens: 404. "
        "A lesson's `fields` also hold its saved `challenges` as learners see them (visible tests "
        "only). The same draft as an HTML page: `/preview/` (the editor's default).",
        parameters=[
            OpenApiParameter("content_type", str, required=True, description="e.g. cms.lessonpage"),
            OpenApiParameter("token", str, required=True),
        ],
        responses={200: s.PreviewSerializer},
    )
    def get(self, request):
        content_type = request.query_params.get("content_type", "")
        token = request.query_params.get("token", "")
        if not content_type or not token:
            raise exceptions.ValidationError({"token": ["content_type and token are required."]})
        page = selectors.preview_page_get(content_type=content_type, token=token)
        return Response(s.PreviewSerializer(shaping.preview_payload(page, content_type)).data)


# --- moderation --------------------------------------------------------------------------------


class ModerationListView(ListAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    serializer_class = s.ModerationItemSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.moderation_items_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(shaping.moderation_items(page))

    @extend_schema(
        tags=MODERATION,
        summary="Items waiting for review",
        description="Pages submitted to the Course review workflow whose current task the admin may act on.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ModerationApproveView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        tags=MODERATION,
        summary="Approve (and publish) a reviewed page",
        request=s.ModerationActionSerializer,
        responses={200: s.ModerationItemSerializer},
    )
    def post(self, request, task_state_id: int):
        data = _parse(s.ModerationActionSerializer, request)
        state = services.moderation_approve(
            user=request.user, task_state_id=task_state_id, comment=data["comment"]
        )
        return Response(shaping.moderation_items([state])[0])


class ModerationRejectView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        tags=MODERATION,
        summary="Request changes, with a comment",
        request=s.ModerationRejectSerializer,
        responses={200: s.ModerationItemSerializer},
    )
    def post(self, request, task_state_id: int):
        data = _parse(s.ModerationRejectSerializer, request)
        state = services.moderation_reject(
            user=request.user, task_state_id=task_state_id, comment=data["comment"]
        )
        return Response(shaping.moderation_items([state])[0])


# --- authoring ---------------------------------------------------------------------------------


def _parent_page(user, page_id: int, *, attr: str = "parent") -> Page:
    """The parent named in a write: a page of a course the user may edit (any type; the
    service checks the type so that a wrong one is a 400 that names the rule)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise exceptions.ValidationError({attr: [f"No page with id {page_id}."]})
    page = page.specific
    if isinstance(page, CoursePage | ModulePage | LessonPage):
        return selectors.editable_page_get(user=user, page_id=page.pk, model=type(page))
    return page


class AuthoringCourseListView(GenericAPIView, ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]
    serializer_class = s.AuthoringPageSerializer
    # for the schema only (which model the paginated list holds); get() reads through the selectors
    queryset = CoursePage.objects.none()

    @extend_schema(
        tags=AUTHORING,
        summary="Courses I can edit (drafts included)",
        responses={200: s.AuthoringPageSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.courses_editable_by(user=request.user))
        return self.get_paginated_response(shaping.authoring_pages(page))

    @extend_schema(
        tags=AUTHORING,
        summary="Create a course (draft)",
        description="Saves a draft revision by you (you become an owner if you are a teacher). `submit` "
        "sends it to the Course review workflow.",
        request=s.CourseWriteSerializer,
        responses={201: s.AuthoringPageSerializer},
    )
    def post(self, request):
        data = _parse(s.CourseWriteSerializer, request)
        course = services.course_create(user=request.user, **data)
        return Response(shaping.authoring_page(course), status=status.HTTP_201_CREATED)


class _AuthoringPageView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]
    model: type[Page]
    write_serializer: type[serializers.Serializer]

    def get_page(self, request, page_id):
        return selectors.editable_page_get(user=request.user, page_id=page_id, model=self.model)

    def get(self, request, page_id: int):
        return Response(shaping.authoring_page(self.get_page(request, page_id)))

    def delete(self, request, page_id: int):
        services.page_delete(user=request.user, page=self.get_page(request, page_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _authoring_schema(model_name: str, write_serializer):
    def decorate(view):
        view.get = extend_schema(
            tags=AUTHORING,
            summary=f"A {model_name} as its editors see it (latest draft)",
            responses={200: s.AuthoringPageSerializer},
        )(view.get)
        view.patch = extend_schema(
            tags=AUTHORING,
            summary=f"Edit a {model_name} (new draft revision)",
            description="Only the fields sent change. Saves a revision by you; publishing goes through "
            "review. A page in review is locked for teachers (409). "
            + ("Sending another `parent` moves it." if model_name != "course" else ""),
            request=write_serializer(partial=True),
            responses={200: s.AuthoringPageSerializer, 409: ConflictErrorResponse},
        )(view.patch)
        view.delete = extend_schema(
            tags=AUTHORING,
            summary=f"Delete a {model_name}",
            description="Teachers may delete pages of their courses that were never published; admins any.",
            responses={204: OpenApiResponse(description="Deleted"), 409: ConflictErrorResponse},
        )(view.delete)
        return view

    return decorate


@_authoring_schema("course", s.CourseWriteSerializer)
class AuthoringCourseDetailView(_AuthoringPageView):
    model = CoursePage

    def patch(self, request, page_id: int):
        course = self.get_page(request, page_id)
        data = _parse(s.CourseWriteSerializer, request, partial=True)
        course = services.course_update(user=request.user, course=course, **data)
        return Response(shaping.authoring_page(course))


class AuthoringModuleCreateView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Create a module in a course (draft)",
        request=s.ModuleWriteSerializer,
        responses={201: s.AuthoringPageSerializer},
    )
    def post(self, request):
        data = _parse(s.ModuleWriteSerializer, request)
        data["parent"] = _parent_page(request.user, data["parent"])
        module = services.module_create(user=request.user, **data)
        return Response(shaping.authoring_page(module), status=status.HTTP_201_CREATED)


@_authoring_schema("module", s.ModuleWriteSerializer)
class AuthoringModuleDetailView(_AuthoringPageView):
    model = ModulePage

    def patch(self, request, page_id: int):
        module = self.get_page(request, page_id)
        data = _parse(s.ModuleWriteSerializer, request, partial=True)
        if "parent" in data:
            data["parent"] = _parent_page(request.user, data["parent"])
        module = services.module_update(user=request.user, module=module, **data)
        return Response(shaping.authoring_page(module))


class AuthoringLessonCreateView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Create a lesson in a module (draft)",
        description="`parent` must be a module: a course or another lesson is a 400 and nothing is written.",
        request=s.LessonWriteSerializer,
        responses={201: s.AuthoringPageSerializer},
    )
    def post(self, request):
        data = _parse(s.LessonWriteSerializer, request)
        data["parent"] = _parent_page(request.user, data["parent"])
        lesson = services.lesson_create(user=request.user, **data)
        return Response(shaping.authoring_page(lesson), status=status.HTTP_201_CREATED)


@_authoring_schema("lesson", s.LessonWriteSerializer)
class AuthoringLessonDetailView(_AuthoringPageView):
    model = LessonPage

    def patch(self, request, page_id: int):
        lesson = self.get_page(request, page_id)
        data = _parse(s.LessonWriteSerializer, request, partial=True)
        if "parent" in data:
            data["parent"] = _parent_page(request.user, data["parent"])
        lesson = services.lesson_update(user=request.user, lesson=lesson, **data)
        return Response(shaping.authoring_page(lesson))


def _any_editable_page(user, page_id: int) -> Page:
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not isinstance(page.specific, CoursePage | ModulePage | LessonPage):
        raise Http404("No such page.")
    return selectors.editable_page_get(user=user, page_id=page_id, model=type(page.specific))


class AuthoringSubmitView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Submit a page for review",
        description="Starts the Course review workflow on the latest draft (or resumes it after changes "
        "were requested). `include_descendants` also submits every page below with unpublished changes.",
        request=s.SubmitSerializer,
        responses={200: s.SubmitResultSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, page_id: int):
        data = _parse(s.SubmitSerializer, request)
        page = _any_editable_page(request.user, page_id)
        states = services.page_submit_for_review(
            user=request.user, page=page, include_descendants=data["include_descendants"]
        )
        return Response({"submitted": [int(state.object_id) for state in states]})


class AuthoringPublishView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Publish the latest draft now, or schedule it (admins)",
        description="Cancels a review in progress, as the editor does. With `go_live_at` the revision is "
        "scheduled and goes live when the `cms-publish-scheduled` job runs after that time.",
        request=s.PublishSerializer,
        responses={200: s.AuthoringPageSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, page_id: int):
        data = _parse(s.PublishSerializer, request)
        page = services.page_publish(
            user=request.user,
            page=_any_editable_page(request.user, page_id),
            include_descendants=data["include_descendants"],
            go_live_at=data.get("go_live_at"),
        )
        return Response(shaping.authoring_page(page))


class AuthoringUnpublishView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Unpublish a page (admins)",
        description="Learners stop seeing it and everything below it at once.",
        request=s.UnpublishSerializer,
        responses={200: s.AuthoringPageSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, page_id: int):
        data = _parse(s.UnpublishSerializer, request)
        page = services.page_unpublish(
            user=request.user,
            page=_any_editable_page(request.user, page_id),
            include_descendants=data["include_descendants"],
        )
        return Response(shaping.authoring_page(page))


class AuthoringOwnersView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        tags=AUTHORING,
        summary="Choose the teachers who own a course (admins)",
        request=s.OwnersSerializer,
        responses={200: s.OwnersSerializer},
    )
    def put(self, request, page_id: int):
        data = _parse(s.OwnersSerializer, request)
        course = selectors.editable_page_get(user=request.user, page_id=page_id, model=CoursePage)
        owners = services.course_owners_set(actor=request.user, course=course, owners=data["owners"])
        return Response({"owners": sorted(user.pk for user in owners)})


class AuthoringImportView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=AUTHORING,
        summary="Import a whole course from one JSON document",
        description="The body is the course document described in docs/course-import.md "
        "(JSON Schema: docs/course-import.schema.json). Creates draft revisions by you, all or nothing; "
        "`?submit=true` sends every page to review. A lesson's `challenges` are checked in the code "
        "sandbox first (docs/challenges.md): a reference solution that fails a test rejects the import.",
        parameters=[OpenApiParameter("submit", bool)],
        request=OpenApiTypes.OBJECT,
        responses={201: s.CourseImportResultSerializer},
    )
    def post(self, request):
        submit = request.query_params.get("submit", "").lower() in {"1", "true", "yes"}
        course = services.course_import(user=request.user, document=request.data, submit=submit)
        body = {**shaping.authoring_page(course), "warnings": getattr(course, "import_warnings", [])}
        return Response(body, status=status.HTTP_201_CREATED)


class _UploadView(ContentAPIView):
    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]
    parser_classes = [MultiPartParser]


class AuthoringImageUploadView(_UploadView):
    @extend_schema(
        tags=AUTHORING,
        summary="Upload an image (Wagtail image)",
        description="Allowed formats: IMAGE_EXTENSIONS; size limit: IMAGE_MAX_BYTES. Use the id in image "
        "blocks and as a course cover.",
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.MediaOutSerializer},
    )
    def post(self, request):
        from cms import media

        data = _parse(s.UploadSerializer, request)
        image = media.image_upload(user=request.user, file=data["file"], title=data.get("title"))
        return Response(shaping.image_out(image), status=status.HTTP_201_CREATED)


class AuthoringDocumentUploadView(_UploadView):
    @extend_schema(
        tags=AUTHORING,
        summary="Upload an attachment (Wagtail document)",
        description="Allowed extensions: WAGTAILDOCS_EXTENSIONS; size limit: ATTACHMENT_MAX_BYTES. Use the "
        "id in attachment blocks.",
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.MediaOutSerializer},
    )
    def post(self, request):
        from cms import media

        data = _parse(s.UploadSerializer, request)
        document = media.document_upload(user=request.user, file=data["file"], title=data.get("title"))
        return Response(shaping.document_out(document, user=request.user), status=status.HTTP_201_CREATED)
