"""Projects API views: parse, authorise (a project is its owner's alone), call one
service or selector, shape the answer. Preview and shared-site views answer files, not
JSON, each with the preview headers (learning/projects/preview.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsVerified
from learning.versioning import VersionConflict
from site_config.api.errors import version_conflict_response
from site_config.api.schema import ConflictErrorResponse

from .. import preview, selectors, services, zips
from ..models import Project, SavePoint, ShareLink
from ..rules import ProjectProblem
from .serializers import (
    FileWriteSerializer,
    MoveSerializer,
    PathSerializer,
    PreviewLinkSerializer,
    ProjectConflictSerializer,
    ProjectCreateSerializer,
    ProjectImportSerializer,
    ProjectListItemSerializer,
    ProjectRenameSerializer,
    ProjectSerializer,
    ProjectTemplateSerializer,
    SavePointCreateSerializer,
    SavePointSerializer,
    ShareCreateSerializer,
    SharedProjectSerializer,
    ShareLinkCreatedSerializer,
    ShareLinkSerializer,
    VersionSerializer,
)

CONFLICT = {409: ProjectConflictSerializer}
FILE_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="The file, with the preview headers (sandboxing CSP, nosniff, no-referrer); "
    "errors are the one error shape with the same headers.",
)


def _problem(exc: ProjectProblem):
    return ValidationError({exc.attr or "non_field_errors": [ErrorDetail(exc.message, code=exc.code)]})


def _conflict(exc: VersionConflict) -> Response:
    return version_conflict_response(
        current_version=exc.current_version,
        detail=f"This project changed elsewhere (now version {exc.current_version}); reload it.",
    )


def _parse(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class _Learner:
    permission_classes = [IsAuthenticated, IsVerified]

    def project(self, project_id) -> Project:
        return selectors.project_get_for_user(user=self.request.user, project_id=project_id)


class _ProjectChange(_Learner, APIView):
    """A versioned change of one project: 200 with the project, 400, 404 or 409."""

    def apply(self, project, data):  # pragma: no cover - each subclass defines it
        raise NotImplementedError

    def post(self, request, project_id):
        project = self.project(project_id)
        data = _parse(self.input_serializer, request)
        try:
            project = self.apply(project, data)
        except ProjectProblem as exc:
            raise _problem(exc) from None
        except VersionConflict as exc:
            return _conflict(exc)
        return Response(ProjectSerializer(project).data)


# --- projects ------------------------------------------------------------------------


class ProjectListView(_Learner, GenericAPIView):
    serializer_class = ProjectListItemSerializer
    queryset = Project.objects.none()  # the schema's model; reads go through the selectors

    @extend_schema(operation_id="projects_list", summary="My projects, newest change first")
    def get(self, request):
        page = self.paginate_queryset(selectors.projects_of_user(user=request.user))
        return self.get_paginated_response(ProjectListItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="project_create",
        summary="Start a project (blank: one index.html; or from a template)",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
    )
    def post(self, request):
        data = _parse(ProjectCreateSerializer, request)
        template = None
        if data.get("template_id"):
            template = selectors.template_get_for_learner(template_id=data["template_id"])
        try:
            project = services.project_create(user=request.user, title=data["title"], template=template)
        except ProjectProblem as exc:
            raise _problem(exc) from None
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(_Learner, APIView):
    @extend_schema(
        operation_id="project_get", summary="One of my projects, with its files", responses=ProjectSerializer
    )
    def get(self, request, project_id):
        return Response(ProjectSerializer(self.project(project_id)).data)

    @extend_schema(
        operation_id="project_rename",
        summary="Rename my project",
        request=ProjectRenameSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def patch(self, request, project_id):
        project = self.project(project_id)
        data = _parse(ProjectRenameSerializer, request)
        try:
            project = services.project_rename(
                project=project, title=data["title"], base_version=data["version"]
            )
        except ProjectProblem as exc:
            raise _problem(exc) from None
        except VersionConflict as exc:
            return _conflict(exc)
        return Response(ProjectSerializer(project).data)

    @extend_schema(operation_id="project_delete", summary="Delete my project", responses={204: None})
    def delete(self, request, project_id):
        services.project_delete(project=self.project(project_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileWriteView(_ProjectChange):
    input_serializer = FileWriteSerializer

    @extend_schema(
        operation_id="project_file_write",
        summary="Create or replace a file",
        request=FileWriteSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def post(self, request, project_id):
        return super().post(request, project_id)

    def apply(self, project, data):
        return services.file_write(
            project=project, path=data["path"], content=data["content"], base_version=data["version"]
        )


class FolderCreateView(_ProjectChange):
    input_serializer = PathSerializer

    @extend_schema(
        operation_id="project_folder_create",
        summary="Create an empty folder",
        request=PathSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def post(self, request, project_id):
        return super().post(request, project_id)

    def apply(self, project, data):
        return services.folder_create(project=project, path=data["path"], base_version=data["version"])


class PathDeleteView(_ProjectChange):
    input_serializer = PathSerializer

    @extend_schema(
        operation_id="project_path_delete",
        summary="Delete a file, or a folder and everything in it",
        request=PathSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def post(self, request, project_id):
        return super().post(request, project_id)

    def apply(self, project, data):
        return services.path_delete(project=project, path=data["path"], base_version=data["version"])


class PathMoveView(_ProjectChange):
    input_serializer = MoveSerializer

    @extend_schema(
        operation_id="project_path_move",
        summary="Rename or move a file or a folder",
        request=MoveSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def post(self, request, project_id):
        return super().post(request, project_id)

    def apply(self, project, data):
        return services.path_move(
            project=project, path=data["path"], new_path=data["new_path"], base_version=data["version"]
        )


# --- save points ---------------------------------------------------------------------


class SavePointListView(_Learner, GenericAPIView):
    serializer_class = SavePointSerializer
    queryset = SavePoint.objects.none()

    @extend_schema(operation_id="project_save_points", summary="My project's save points, newest first")
    def get(self, request, project_id):
        page = self.paginate_queryset(selectors.save_points_of_project(project=self.project(project_id)))
        return self.get_paginated_response(SavePointSerializer(page, many=True).data)

    @extend_schema(
        operation_id="project_save_point_create",
        summary="Keep the current files as a named save point",
        request=SavePointCreateSerializer,
        responses={201: SavePointSerializer},
    )
    def post(self, request, project_id):
        project = self.project(project_id)
        data = _parse(SavePointCreateSerializer, request)
        try:
            point = services.save_point_create(project=project, name=data["name"])
        except ProjectProblem as exc:
            raise _problem(exc) from None
        return Response(SavePointSerializer(point).data, status=status.HTTP_201_CREATED)


class SavePointDetailView(_Learner, APIView):
    @extend_schema(
        operation_id="project_save_point_delete", summary="Delete a save point", responses={204: None}
    )
    def delete(self, request, project_id, save_point_id):
        point = selectors.save_point_get(project=self.project(project_id), save_point_id=save_point_id)
        services.save_point_delete(save_point=point)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavePointRestoreView(_Learner, APIView):
    @extend_schema(
        operation_id="project_save_point_restore",
        summary="Make a save point's files the project's (a new version)",
        request=VersionSerializer,
        responses={200: ProjectSerializer, **CONFLICT},
    )
    def post(self, request, project_id, save_point_id):
        project = self.project(project_id)
        point = selectors.save_point_get(project=project, save_point_id=save_point_id)
        data = _parse(VersionSerializer, request)
        try:
            project = services.save_point_restore(
                project=project, save_point=point, base_version=data["version"]
            )
        except ProjectProblem as exc:
            raise _problem(exc) from None
        except VersionConflict as exc:
            return _conflict(exc)
        return Response(ProjectSerializer(project).data)


# --- export / import ------------------------------------------------------------------


class ProjectExportView(_Learner, APIView):
    @extend_schema(
        operation_id="project_export",
        summary="Download my project as a zip (streamed)",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request, project_id):
        project = self.project(project_id)
        response = StreamingHttpResponse(
            zips.project_zip_stream(files=project.files, folders=project.folders),
            content_type="application/zip",
        )
        response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ProjectImportView(_Learner, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="project_import",
        summary="Start a project from a zip (checked entry by entry; nothing is kept if any check fails)",
        request={"multipart/form-data": ProjectImportSerializer},
        responses={201: ProjectSerializer},
    )
    def post(self, request):
        data = _parse(ProjectImportSerializer, request)
        try:
            files, folders = zips.zip_read(data["file"])
            project = services.project_create_with_files(
                user=request.user, title=data["title"], files=files, folders=folders
            )
        except ProjectProblem as exc:
            raise _problem(exc) from None
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


# --- templates -------------------------------------------------------------------------


class TemplateListView(_Learner, GenericAPIView):
    serializer_class = ProjectTemplateSerializer
    queryset = Project.objects.none()

    @extend_schema(operation_id="project_templates", summary="Templates to start a project from")
    def get(self, request):
        page = self.paginate_queryset(selectors.templates_for_learners())
        return self.get_paginated_response(ProjectTemplateSerializer(page, many=True).data)


# --- share links -------------------------------------------------------------------------


def _share_state(link: ShareLink) -> str:
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= timezone.now() else "live"


def _share_row(link: ShareLink) -> dict:
    return {
        "id": link.pk,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "state": _share_state(link),
    }


def _site_url(request, token: str) -> str:
    return f"{preview.preview_base(request)}{preview.SHARE_PREFIX}{token}/site/"


class ShareListView(_Learner, GenericAPIView):
    serializer_class = ShareLinkSerializer
    queryset = ShareLink.objects.none()

    @extend_schema(
        operation_id="project_shares", summary="My project's share links (tokens are never shown again)"
    )
    def get(self, request, project_id):
        page = self.paginate_queryset(selectors.share_links_of_project(project=self.project(project_id)))
        return self.get_paginated_response(ShareLinkSerializer([_share_row(x) for x in page], many=True).data)

    @extend_schema(
        operation_id="project_share_create",
        summary="Make a read-only share link (its token is shown once)",
        request=ShareCreateSerializer,
        responses={201: ShareLinkCreatedSerializer},
    )
    def post(self, request, project_id):
        project = self.project(project_id)
        data = _parse(ShareCreateSerializer, request)
        try:
            link, token = services.share_link_create(project=project, hours=data.get("expires_in_hours"))
        except ProjectProblem as exc:
            raise _problem(exc) from None
        api_base = f"{request.scheme}://{request.get_host()}"
        body = _share_row(link) | {
            "token": token,
            "url": f"{api_base}{preview.SHARE_PREFIX}{token}/",
            "site_url": _site_url(request, token),
        }
        return Response(ShareLinkCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class ShareDetailView(_Learner, APIView):
    @extend_schema(
        operation_id="project_share_revoke",
        summary="Revoke a share link (it then answers 410)",
        responses={204: None},
    )
    def delete(self, request, project_id, share_id):
        link = selectors.share_link_get(project=self.project(project_id), share_id=share_id)
        services.share_link_revoke(link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _gone(exc: selectors.ShareGone) -> Response:
    return Response(
        {"type": "client_error", "errors": [{"code": exc.code, "detail": exc.detail, "attr": None}]},
        status=status.HTTP_410_GONE,
    )


class SharedProjectView(APIView):
    """Anyone with the token, signed in or not: the token is the permission. No
    cookie or Authorization header is looked at."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="shared_project_get",
        summary="A shared project, read-only (404 unknown token, 410 revoked, expired or taken down)",
        responses={200: SharedProjectSerializer, 410: ConflictErrorResponse},
        auth=[],
    )
    def get(self, request, token):
        try:
            project = selectors.shared_project_get(token=token)
        except selectors.ShareGone as exc:
            return _gone(exc)
        body = {
            "title": project.title,
            "files": project.files,
            "folders": project.folders,
            "updated_at": project.updated_at,
            "site_url": _site_url(request, token),
        }
        return Response(SharedProjectSerializer(body).data)


# --- previews ------------------------------------------------------------------------------


class _PreviewView(APIView):
    """Answers files; every answer, errors included, gets the preview headers."""

    def prefix_url(self, request, **kwargs) -> str:  # pragma: no cover - each subclass defines it
        raise NotImplementedError

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if "Content-Security-Policy" not in response:
            preview._harden(response, self.prefix_url(request, **kwargs))
        response.cookies.clear()
        return response


class OwnerPreviewView(_Learner, _PreviewView):
    """The owner's preview through the API (Authorization header): for a front end that
    fetches the files itself. A browser frame uses the token URL of preview-link."""

    def prefix_url(self, request, project_id=None, **kwargs):
        return f"{request.scheme}://{request.get_host()}/api/v1/projects/{project_id}/preview/"

    @extend_schema(
        operation_id="project_preview",
        summary="A file of my project, as the preview serves it",
        responses={200: FILE_RESPONSE},
    )
    def get(self, request, project_id, path=""):
        project = self.project(project_id)
        return preview.preview_file_response(
            files=project.files, path=path, prefix_url=self.prefix_url(request, project_id=project_id)
        )


class PreviewLinkView(_Learner, APIView):
    @extend_schema(
        operation_id="project_preview_link",
        summary="A short-lived preview URL for a frame (token in the path, scoped to this project)",
        request=None,
        responses={201: PreviewLinkSerializer},
    )
    def post(self, request, project_id):
        project = self.project(project_id)
        token = preview.preview_token_make(project=project)
        body = {
            "url": f"{preview.preview_base(request)}{preview.PREVIEW_PREFIX}{token}/",
            "expires_at": timezone.now() + timedelta(seconds=settings.PROJECT_PREVIEW_TOKEN_SECONDS),
        }
        return Response(PreviewLinkSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenPreviewView(_PreviewView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def prefix_url(self, request, token="", **kwargs):
        return f"{preview.preview_base(request)}{preview.PREVIEW_PREFIX}{token}/"

    @extend_schema(
        operation_id="project_preview_by_token",
        summary="A file of a project, by a preview token (no other credentials are read)",
        responses={200: FILE_RESPONSE},
        auth=[],
    )
    def get(self, request, token, path=""):
        prefix = self.prefix_url(request, token=token)
        claims = preview.preview_token_read(token)
        project = None
        if claims is not None:
            project = Project.objects.filter(pk=claims["p"], owner_id=claims["o"]).only("files").first()
        if project is None:
            return preview.preview_error(
                status=404,
                code="not_found",
                detail="This preview link is unknown or has expired.",
                prefix_url=prefix,
            )
        return preview.preview_file_response(files=project.files, path=path, prefix_url=prefix)


class SharedSiteView(_PreviewView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def prefix_url(self, request, token="", **kwargs):
        return _site_url(request, token)

    @extend_schema(
        operation_id="shared_site",
        summary="A file of a shared project's site (404 unknown token, 410 revoked, expired or taken down)",
        responses={200: FILE_RESPONSE, 410: ConflictErrorResponse},
        auth=[],
    )
    def get(self, request, token, path=""):
        prefix = self.prefix_url(request, token=token)
        try:
            project = selectors.shared_project_get(token=token)
        except Http404:
            return preview.preview_error(
                status=404, code="not_found", detail="No such share link.", prefix_url=prefix
            )
        except selectors.ShareGone as exc:
            return preview.preview_error(status=410, code=exc.code, detail=exc.detail, prefix_url=prefix)
        return preview.preview_file_response(files=project.files, path=path, prefix_url=prefix)
