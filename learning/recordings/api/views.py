"""Recordings API views (part 1): managing recordings, the video upload, serving the
video, poster and rendition. Parse, authorise, call one service or selector, shape."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from site_config.api.errors import api_error_response
from site_config.api.ids import id_param
from site_config.api.schema import ClientErrorResponse, ConflictErrorResponse, PayloadTooLargeErrorResponse

from .. import selectors, services, serving
from ..models import Recording
from ..upload import UploadRefused, part_parse
from .serializers import AuthoringRecordingSerializer, RecordingWriteSerializer

UPLOAD_CONTENT_TYPES = ("video/webm", "video/mp4", "application/octet-stream")


def _server_dechunks(request) -> bool:
    """A chunked body the WSGI server decodes and ends (gunicorn sets
    `wsgi.input_terminated`); Django's runserver does not, so there Content-Length is
    required."""
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower() and bool(
        request.META.get("wsgi.input_terminated")
    )


class MayManageRecordings(BasePermission):
    message = "Only admins manage recordings (teachers too when RECORDINGS_TEACHERS_MAY_UPLOAD is on)."

    def has_permission(self, request, view):
        return services.user_may_manage_recordings(request.user)


def _detail(request, recording_id: int):
    recording = selectors.recordings_manageable_by(user=request.user).select_related("created_by")
    recording = recording.filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No such recording.")
    return AuthoringRecordingSerializer(recording, context={"request": request}).data


class AuthoringRecordingListView(GenericAPIView):
    permission_classes = [IsAuthenticated, MayManageRecordings]
    serializer_class = AuthoringRecordingSerializer
    queryset = Recording.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="authoring_recordings",
        summary="Recordings I may manage (any status), newest first",
        parameters=[OpenApiParameter("course", int, description="Only this course's recordings.")],
        responses=AuthoringRecordingSerializer(many=True),
    )
    def get(self, request):
        recordings = selectors.recordings_manageable_by(user=request.user).select_related("created_by")
        course = request.query_params.get("course")
        if course:
            course_id = id_param(course)  # the one id rule (1..2^63-1); here a bad one is a 400
            if course_id is None:
                return api_error_response(400, "invalid", "`course` must be a course id.", attr="course")
            recordings = recordings.filter(course_id=course_id)
        page = self.paginate_queryset(recordings.order_by("-created_at", "-pk"))
        data = AuthoringRecordingSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="authoring_recording_create",
        summary="Create a recording (then upload its video)",
        description=(
            "Creates an empty recording in status `uploading` in a course you may edit "
            "(admins: any; teachers: owned, and only with RECORDINGS_TEACHERS_MAY_UPLOAD). "
            "Then send the video to `POST /api/v1/recordings/{id}/video/`."
        ),
        request=RecordingWriteSerializer,
        responses={201: AuthoringRecordingSerializer},
    )
    def post(self, request):
        data = RecordingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recording = services.recording_create(user=request.user, **data.validated_data)
        return Response(_detail(request, recording.pk), status=status.HTTP_201_CREATED)


class AuthoringRecordingDetailView(APIView):
    permission_classes = [IsAuthenticated, MayManageRecordings]

    def recording(self, recording_id):
        return selectors.recording_get_for_manager(user=self.request.user, recording_id=recording_id)

    @extend_schema(
        operation_id="authoring_recording_get",
        summary="A recording, its status and where its unfinished upload resumes",
        responses=AuthoringRecordingSerializer,
    )
    def get(self, request, recording_id):
        return Response(_detail(request, recording_id))

    @extend_schema(
        operation_id="authoring_recording_update",
        summary="Change a recording's title, description, course or lesson",
        request=RecordingWriteSerializer(partial=True),
        responses=AuthoringRecordingSerializer,
    )
    def patch(self, request, recording_id):
        recording = self.recording(recording_id)
        data = RecordingWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.recording_update(user=request.user, recording=recording, data=dict(data.validated_data))
        return Response(_detail(request, recording_id))

    @extend_schema(
        operation_id="authoring_recording_delete",
        summary="Delete a recording, its files and its snapshots",
        responses={204: None},
    )
    def delete(self, request, recording_id):
        services.recording_delete(user=request.user, recording=self.recording(recording_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuthoringRecordingProcessView(APIView):
    permission_classes = [IsAuthenticated, MayManageRecordings]

    @extend_schema(
        operation_id="authoring_recording_process",
        summary="Run the transcoding job again (poster, duration, rendition)",
        description=(
            "Queues the job for the stored video and answers 202 with status `processing`; poll "
            "the recording's `status`. 409 `no_video` before an upload finished, "
            "`upload_in_progress` during one, `ffmpeg_missing` without ffmpeg/ffprobe."
        ),
        request=None,
        responses={202: AuthoringRecordingSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, recording_id):
        recording = selectors.recording_get_for_manager(user=request.user, recording_id=recording_id)
        try:
            services.recording_process_request(user=request.user, recording=recording)
        except services.RecordingConflict as conflict:
            return api_error_response(409, conflict.code, conflict.detail)
        return Response(_detail(request, recording_id), status=status.HTTP_202_ACCEPTED)


# --- serving files and the upload ---------------------------------------------------------

MEDIA_ERRORS = {
    401: OpenApiResponse(ClientErrorResponse, description="No JWT and no valid `token`."),
    404: OpenApiResponse(ClientErrorResponse, description="No such recording or file, or not yours to see."),
    416: OpenApiResponse(ClientErrorResponse, description="The Range starts past the end of the file."),
}
MEDIA_PARAMETERS = [
    OpenApiParameter(
        "token",
        str,
        description="The signed token of a `*_url` from the API (for players that cannot send a JWT).",
    ),
    OpenApiParameter(
        "Range", str, OpenApiParameter.HEADER, description="`bytes=<first>-<last>` (one range)."
    ),
    OpenApiParameter(
        "If-Range", str, OpenApiParameter.HEADER, description="An ETag: the range only if it still matches."
    ),
]


class RecordingMediaView(APIView):
    """GET a recording's file to anyone who may see the recording: with a JWT, or with
    the signed `token` of a URL the API handed out (players cannot send headers)."""

    kind = "video"

    def get_permissions(self):
        return [AllowAny()]  # get(): a JWT or a signed token, checked there

    def _recording(self, request, recording_id) -> Recording:
        user = request.user
        if not user.is_authenticated:
            token = request.query_params.get("token")
            if not token:
                raise NotAuthenticated()
            user_id = serving.media_token_user_id(token, recording_id=recording_id, kind=self.kind)
            user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
            if user is None:
                raise AuthenticationFailed(
                    "This media link is invalid or has expired; ask the API for a new one."
                )
        return selectors.recording_get_for_user(user=user, recording_id=recording_id)

    def serve(self, request, recording_id):
        recording = self._recording(request, recording_id)
        field = getattr(recording, self.kind)
        if not field:
            raise Http404(f"This recording has no {self.kind} yet.")
        if not serving.stored_locally(field):
            return HttpResponseRedirect(field.storage.url(field.name))
        try:
            return serving.file_response(
                field, range_header=request.headers.get("Range"), if_range=request.headers.get("If-Range")
            )
        except serving.RangeNotSatisfiable:
            return api_error_response(
                416,
                "range_not_satisfiable",
                f"The file is {field.size} bytes; the Range asks for bytes past its end.",
                headers={"Content-Range": f"bytes */{field.size}", "Accept-Ranges": "bytes"},
            )
        except FileNotFoundError:
            raise Http404(f"This recording's {self.kind} file is missing.") from None

    def get(self, request, recording_id):
        return self.serve(request, recording_id)


def _media_schema(kind: str, summary: str, content: dict):
    return extend_schema(
        operation_id=f"recording_{kind}_get",
        summary=summary,
        parameters=MEDIA_PARAMETERS,
        responses={(200, mime): OpenApiTypes.BINARY for mime in content}
        | {(206, mime): OpenApiTypes.BINARY for mime in content}
        | {302: None}
        | MEDIA_ERRORS,
    )


class RecordingPosterView(RecordingMediaView):
    kind = "poster"

    @_media_schema("poster", "The recording's poster image (JPEG)", {"image/jpeg": None})
    def get(self, request, recording_id):
        return self.serve(request, recording_id)


class RecordingRenditionView(RecordingMediaView):
    kind = "rendition"

    def serve(self, request, recording_id):
        recording = self._recording(request, recording_id)
        if recording.rendition_kind != "hls" or not recording.rendition:
            return super().serve(request, recording_id)
        if not serving.stored_locally(recording.rendition):
            return HttpResponseRedirect(recording.rendition.storage.url(recording.rendition.name))
        token = None if request.user.is_authenticated else request.query_params.get("token")
        response = HttpResponse(
            serving.hls_playlist(recording, token=token), content_type="application/vnd.apple.mpegurl"
        )
        response["Cache-Control"] = "private, max-age=60"
        return response

    @_media_schema(
        "rendition",
        "The rendition (MP4 as transcoded, a WebM stored as it is, or the HLS playlist), with HTTP Range",
        {"video/mp4": None, "video/webm": None, "application/vnd.apple.mpegurl": None},
    )
    def get(self, request, recording_id):
        return self.serve(request, recording_id)


class RecordingRenditionSegmentView(RecordingMediaView):
    """A segment of an HLS rendition, named by the playlist (`segment00000.ts`); the
    rendition's signed token opens it too."""

    kind = "rendition"

    @extend_schema(
        operation_id="recording_rendition_segment_get",
        summary="A segment of the HLS rendition (MPEG-TS), with HTTP Range",
        parameters=[
            *MEDIA_PARAMETERS,
            OpenApiParameter(
                "segment",
                {"type": "string", "pattern": serving.HLS_SEGMENT.pattern},
                OpenApiParameter.PATH,
                description="The segment's name as the playlist gives it (`segment00000.ts`).",
            ),
        ],
        responses={(200, "video/mp2t"): OpenApiTypes.BINARY, (206, "video/mp2t"): OpenApiTypes.BINARY}
        | {302: None}
        | MEDIA_ERRORS,
    )
    def get(self, request, recording_id, segment):
        recording = self._recording(request, recording_id)
        stored = serving.hls_segment(recording, segment)
        if stored is None:
            raise Http404("No such segment.")
        if not serving.stored_locally(recording.rendition):
            return HttpResponseRedirect(stored.storage.url(stored.name))
        try:
            return serving.file_response(
                stored, range_header=request.headers.get("Range"), if_range=request.headers.get("If-Range")
            )
        except serving.RangeNotSatisfiable:
            return api_error_response(
                416,
                "range_not_satisfiable",
                f"The file is {stored.size} bytes; the Range asks for bytes past its end.",
                headers={"Content-Range": f"bytes */{stored.size}", "Accept-Ranges": "bytes"},
            )


class RecordingVideoView(RecordingMediaView):
    """GET: the video as uploaded, with HTTP Range. POST: upload it (resumable)."""

    kind = "video"
    # ApiBodyLimitMiddleware leaves the body to this view: the permission check comes
    # first, then RECORDING_MAX_UPLOAD_BYTES (site_config/middleware.py).
    streams_request_body = True
    parser_classes: list = []  # the body is never parsed: post() streams request.stream

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD"):
            return [AllowAny()]
        return [IsAuthenticated(), MayManageRecordings()]

    @_media_schema(
        "video",
        "The video as uploaded (WebM or MP4), with HTTP Range",
        {"video/webm": None, "video/mp4": None},
    )
    def get(self, request, recording_id):
        return self.serve(request, recording_id)

    @extend_schema(
        operation_id="recording_video_upload",
        summary="Upload the video, whole or in resumable parts",
        description=(
            "The body is the video's bytes (`Content-Type: video/webm`, `video/mp4` or "
            "`application/octet-stream`; Content-Length required, 411 otherwise). Whole file: no "
            "Content-Range. In parts: `Content-Range: bytes <first>-<last>/<total or *>`; a part "
            "starting at 0 begins a new upload, any other must start at the recording's "
            "`upload.offset` (409 `upload_offset_mismatch` otherwise, with the offset in the "
            "`Upload-Offset` header). To resume after a dropped connection, read `upload.offset` "
            "from `GET /api/v1/authoring/recordings/{id}/` (or the 409) and send the rest from "
            "there. The first bytes must be a WebM (EBML, DocType webm) or MP4 (`ftyp`) file (415 "
            "`video_format_unsupported`); the last part is read to the end by ffprobe (400 "
            "`video_unreadable` for a truncated or corrupt file, `video_no_stream`). Larger than "
            "RECORDING_MAX_UPLOAD_BYTES: 413 `video_too_large`, from the declared size before "
            "the body is read or while it streams. Then status is `processing` (the job makes the "
            "poster and rendition: poll `status`), or `ready` at once without ffmpeg. Only "
            "admins (teachers with RECORDINGS_TEACHERS_MAY_UPLOAD, in their courses): anyone else "
            "gets 403 before the body is read. A published recording's video cannot be replaced (409)."
        ),
        parameters=[
            OpenApiParameter(
                "Content-Range",
                str,
                OpenApiParameter.HEADER,
                description="`bytes <first>-<last>/<total or *>`.",
            )
        ],
        request=dict.fromkeys(UPLOAD_CONTENT_TYPES, OpenApiTypes.BINARY),
        responses={
            200: AuthoringRecordingSerializer,
            409: ConflictErrorResponse,
            411: OpenApiResponse(ClientErrorResponse, description="No Content-Length."),
            413: PayloadTooLargeErrorResponse,
        },
    )
    def post(self, request, recording_id):
        recording = selectors.recording_get_for_manager(user=request.user, recording_id=recording_id)
        if request.content_type not in UPLOAD_CONTENT_TYPES:
            return api_error_response(
                415,
                "unsupported_media_type",
                f"Send the video's bytes as {', '.join(UPLOAD_CONTENT_TYPES)}, "
                f"not {request.content_type or 'nothing'}.",
            )
        try:
            part = part_parse(
                content_length=request.META.get("CONTENT_LENGTH"),
                content_range=request.headers.get("Content-Range"),
                limit=settings.RECORDING_MAX_UPLOAD_BYTES,
                chunked=_server_dechunks(request),
            )
            # A chunked body has no Content-Length, so Django's request stream is empty:
            # read the server's own (dechunked, terminated) input instead.
            stream = request.META["wsgi.input"] if part.length is None else request.stream
            services.recording_upload_part(user=request.user, recording=recording, part=part, stream=stream)
        except UploadRefused as refused:
            headers = {"Upload-Offset": str(refused.offset)} if refused.offset is not None else None
            return api_error_response(refused.status, refused.code, refused.detail, headers=headers)
        return Response(_detail(request, recording_id))
