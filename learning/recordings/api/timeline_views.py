"""Playback, the snapshot timeline, publishing and fork (docs/recordings.md): parse,
authorise, call one selector or service, shape the answer."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ParseError, UnsupportedMediaType, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.content_cache import http as content_http
from learning.accounts.permissions import IsAdmin, IsVerified
from site_config.api.errors import api_error_response
from site_config.api.ids import id_param
from site_config.api.parsers import JSONParser
from site_config.api.schema import ConflictErrorResponse

from .. import playback, read_cache, timeline_services
from ..models import Recording
from ..selectors import recording_get_for_manager
from ..serving import media_url
from ..snapshot_format import SnapshotProblem
from .timeline_serializers import (
    ForkConflictSerializer,
    ForkInputSerializer,
    ForkResultSerializer,
    PublishResultSerializer,
    RecordingPlayerSerializer,
    SnapshotBatchSerializer,
    SnapshotIngestResultSerializer,
    StateQuerySerializer,
    StateSerializer,
    TimelineQuerySerializer,
    TimelineSerializer,
)
from .views import MayManageRecordings

NDJSON = "application/x-ndjson"


def _player_payload(recording: Recording, request) -> dict:
    """The player's view of a recording; media URLs are part 1's signed URLs for this
    user (learning.recordings.serving.media_url: Range-served here, presigned on S3)."""
    lesson = recording.lesson
    return {
        "id": recording.pk,
        "title": recording.title,
        "description": recording.description,
        "course": {"id": recording.course_id, "title": recording.course.title},
        "lesson": {"id": lesson.pk, "title": lesson.title} if lesson is not None else None,
        "status": recording.status,
        "is_published": recording.is_published,
        "published_at": recording.published_at,
        "duration_ms": recording.duration_ms,
        "width": recording.width,
        "height": recording.height,
        "video_url": media_url(recording, "video", user=request.user, request=request),
        "rendition_url": media_url(recording, "rendition", user=request.user, request=request),
        "poster_url": media_url(recording, "poster", user=request.user, request=request),
        "snapshot_count": recording.snapshot_count,
        "timeline_url": reverse("v1:recording-timeline", kwargs={"recording_id": recording.pk}),
        "state_url": reverse("v1:recording-state", kwargs={"recording_id": recording.pk}),
    }


class RecordingPlayerListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    serializer_class = RecordingPlayerSerializer
    queryset = Recording.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="recording_list",
        summary="Recordings I may watch (published ones of my courses' lessons)",
        description="Learners see published recordings of published courses and lessons; a teacher also "
        "every recording of their own courses (any status); an admin all. Newest published first.",
        parameters=[
            OpenApiParameter("course", int, description="Only this course's recordings."),
            OpenApiParameter("lesson", int, description="Only this lesson's recordings."),
        ],
        responses=RecordingPlayerSerializer(many=True),
    )
    def get(self, request):
        recordings = playback.recordings_for_player(
            user=request.user,
            course_id=id_param(request.query_params.get("course")),
            lesson_id=id_param(request.query_params.get("lesson")),
        )
        page = self.paginate_queryset(recordings)
        return self.get_paginated_response([_player_payload(r, request) for r in page])


class RecordingPlayerDetailView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="recording_get",
        summary="One recording: video and poster URLs, duration, snapshot count",
        responses=RecordingPlayerSerializer,
    )
    def get(self, request, recording_id):
        recording = playback.recording_get_for_player(user=request.user, recording_id=recording_id)
        return Response(RecordingPlayerSerializer(_player_payload(recording, request)).data)


# --- ingestion ---------------------------------------------------------------------------


class BodyTooLarge(Exception):
    pass


def _body_too_large(limit: int, length: int | None = None):
    said = f"The request body is {length} bytes" if length is not None else "The request body is too large"
    return api_error_response(
        413,
        "request_too_large",
        f"{said}; a snapshot batch may be at most {limit} bytes "
        "(RECORDING_SNAPSHOTS_MAX_BATCH_BYTES). Send smaller batches.",
    )


def _too_many(limit: int):
    return ValidationError(
        {
            "snapshots": [
                ErrorDetail(
                    f"At most {limit} snapshots in one batch (RECORDING_SNAPSHOTS_MAX_BATCH).",
                    code="too_many",
                )
            ]
        }
    )


def _parse_json(raw: bytes, what: str):
    try:
        return JSONParser().parse(io.BytesIO(raw))
    except ParseError as exc:
        raise ParseError(f"{what}: {exc.detail}", code=exc.get_codes()) from exc


class _LimitedReader:
    """Reads the request body in chunks, refusing past `limit` bytes whatever
    Content-Length said."""

    def __init__(self, stream, limit: int):
        self.stream = stream
        self.limit = limit
        self.read_bytes = 0

    def lines(self):
        if self.stream is None:
            return
        for line in self.stream:
            self.read_bytes += len(line)
            if self.read_bytes > self.limit:
                raise BodyTooLarge()
            yield line

    def read_all(self) -> bytes:
        if self.stream is None:
            return b""
        data = self.stream.read(self.limit + 1)
        if len(data) > self.limit:
            raise BodyTooLarge()
        return data


def snapshot_items(request) -> list:
    """The batch's items, from `{"snapshots": [...]}` (application/json) or one JSON
    object per line (application/x-ndjson, read line by line as it arrives)."""
    limit_items = settings.RECORDING_SNAPSHOTS_MAX_BATCH
    reader = _LimitedReader(request.stream, settings.RECORDING_SNAPSHOTS_MAX_BATCH_BYTES)
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    if media_type == NDJSON:
        items = []
        for number, line in enumerate(reader.lines(), start=1):
            if not line.strip():
                continue
            if len(items) == limit_items:
                raise _too_many(limit_items)
            items.append(_parse_json(line, f"line {number}"))
        return items
    if media_type == "application/json":
        body = _parse_json(reader.read_all(), "JSON")
        if (
            not isinstance(body, dict)
            or set(body) != {"snapshots"}
            or not isinstance(body["snapshots"], list)
        ):
            raise ValidationError(
                {
                    "snapshots": [
                        ErrorDetail('Send {"snapshots": [...]} (a list of snapshots).', code="required")
                    ]
                }
            )
        if len(body["snapshots"]) > limit_items:
            raise _too_many(limit_items)
        return body["snapshots"]
    raise UnsupportedMediaType(media_type or "(none)")


class SnapshotIngestView(APIView):
    """Bulk ingestion. Reads the body itself (never request.data), after the permission
    check, under its own size limit (RECORDING_SNAPSHOTS_MAX_BATCH_BYTES): a caller who
    may not ingest gets 403 and no byte of the body is read."""

    permission_classes = [IsAuthenticated, MayManageRecordings]  # part 1's: admins (teachers by setting)
    streams_request_body = True  # ApiBodyLimitMiddleware leaves the limit to this view
    parser_classes = [JSONParser]  # for the schema; the view parses NDJSON itself

    @extend_schema(
        operation_id="recording_snapshots_add",
        summary="Add a batch of code snapshots (JSON or NDJSON) to a recording",
        description=(
            'Up to RECORDING_SNAPSHOTS_MAX_BATCH snapshots, as `{"snapshots": [...]}` or as '
            f"`{NDJSON}` (one snapshot object per line, read as it streams in). All or nothing: a bad "
            "item is a 400 whose `attr` is `snapshots.<index>.<field>` and nothing is written. "
            "Snapshots append after those stored (`t_ms` never before the last one). Idempotent by "
            "`id`: items already stored (a retried batch) are skipped and counted in `duplicates`; "
            "200 when nothing was new, 201 otherwise. Admins only (teachers in their own courses "
            "when RECORDINGS_TEACHERS_MAY_UPLOAD is on). 413 past RECORDING_SNAPSHOTS_MAX_BATCH_BYTES."
        ),
        request={"application/json": SnapshotBatchSerializer, NDJSON: SnapshotBatchSerializer},
        responses={200: SnapshotIngestResultSerializer, 201: SnapshotIngestResultSerializer},
    )
    def post(self, request, recording_id):
        limit = settings.RECORDING_SNAPSHOTS_MAX_BATCH_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # ApiBodyLimitMiddleware answered the malformed header already
        if length > limit:
            return _body_too_large(limit, length)
        recording = recording_get_for_manager(user=request.user, recording_id=recording_id)
        try:
            items = snapshot_items(request)
        except BodyTooLarge:
            return _body_too_large(limit)
        try:
            result = timeline_services.snapshots_ingest(recording_id=recording.pk, items=items)
        except SnapshotProblem as problem:
            raise ValidationError(
                {
                    problem.attr: [
                        ErrorDetail(f"Snapshot {problem.index}: {problem.detail}", code=problem.code)
                    ]
                }
            ) from problem
        return Response(
            SnapshotIngestResultSerializer(result).data,
            status=status.HTTP_201_CREATED if result.inserted else status.HTTP_200_OK,
        )


# --- timeline and state ---------------------------------------------------------------------


def _query(serializer_class, request) -> dict:
    fields = serializer_class().fields
    data = serializer_class(data={k: v for k, v in request.query_params.items() if k in fields})
    data.is_valid(raise_exception=True)
    return data.validated_data


class TimelineView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="recording_timeline",
        summary="A window of a recording's snapshots, in time order",
        description=(
            "Snapshots with `from_ms <= t_ms <= to_ms` (to the end when `to_ms` is left out), in "
            "order, at most RECORDING_TIMELINE_MAX_ITEMS per response; `next_cursor` (and `next`) "
            "continue the same window. Each snapshot carries its `diff` against the one before; "
            "keyframes also carry the whole code in `files`. Start a window from GET .../state/ at "
            "`from_ms`, then apply the diffs."
        ),
        parameters=[TimelineQuerySerializer],
        responses=TimelineSerializer,
    )
    def get(self, request, recording_id):
        playback.recording_token_for_player(user=request.user, recording_id=recording_id)
        query = _query(TimelineQuerySerializer, request)
        window = playback.timeline_window(
            recording=recording_id, from_ms=query["from_ms"], to_ms=query["to_ms"], after_seq=query["cursor"]
        )
        next_url = None
        if window.next_seq is not None:
            params = request.query_params.copy()
            params["cursor"] = str(window.next_seq)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            TimelineSerializer(
                {
                    "recording_id": recording_id,
                    "from_ms": query["from_ms"],
                    "to_ms": query["to_ms"],
                    "snapshots": window.items,
                    "next_cursor": None if window.next_seq is None else str(window.next_seq),
                    "next": next_url,
                }
            ).data
        )


class StateView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="recording_state",
        summary="The whole code as it was at `t_ms`",
        description="The state after the last snapshot at or before `t_ms` (empty before the first), "
        "rebuilt from the nearest keyframe and fewer than RECORDING_KEYFRAME_EVERY diffs. Strong `ETag` "
        "(304 on `If-None-Match`), `Cache-Control: private, no-cache`.",
        parameters=[StateQuerySerializer],
        responses=StateSerializer,
    )
    def get(self, request, recording_id):
        token = playback.recording_token_for_player(user=request.user, recording_id=recording_id)
        t_ms = read_cache.t_ms_param(request.query_params.get("t_ms"))
        if t_ms is None:  # anything but plain digits: the serializer judges it (400 or a value)
            t_ms = _query(StateQuerySerializer, request)["t_ms"]
        body = read_cache.state_body(recording_id=recording_id, token=token, t_ms=t_ms)
        return content_http.json_response(request, body)


# --- fork -------------------------------------------------------------------------------------


def _conflict(code: str, detail: str, attr: str | None = None, **extra) -> Response:
    return Response(
        {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": attr}], **extra},
        status=status.HTTP_409_CONFLICT,
    )


class ForkView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="recording_fork",
        summary="Pause and edit: copy the code at `t_ms` into my draft of the recording's lesson",
        description=(
            "Saves the code as it was at `t_ms` as a new version of your draft of the recording's "
            "lesson (the coding app's draft: its limits, history and optimistic concurrency). "
            "`version` is your draft's current version (0 before the first save); a stale one is a "
            "409 `version_conflict` carrying `current_version`. A recording without a lesson, or "
            "whose lesson is not published, is a 409 `no_lesson`."
        ),
        request=ForkInputSerializer,
        responses={200: ForkResultSerializer, 409: ForkConflictSerializer},
    )
    def post(self, request, recording_id):
        from cms.selectors import lesson_ids_visible
        from learning.coding.services import DraftConflict

        recording = playback.recording_get_for_player(user=request.user, recording_id=recording_id)
        data = ForkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if recording.lesson is None or not lesson_ids_visible([recording.lesson_id]):
            return _conflict(
                "no_lesson",
                "This recording is not linked to a published lesson: there is no draft to fork into.",
            )
        try:
            draft, state = timeline_services.recording_fork(
                user=request.user,
                recording=recording,
                lesson=recording.lesson,
                t_ms=data.validated_data["t_ms"],
                base_version=data.validated_data["version"],
            )
        except DraftConflict as exc:
            return _conflict(
                "version_conflict",
                f"Your draft changed elsewhere (now version {exc.current_version}); "
                "reload it and fork again.",
                "version",
                current_version=exc.current_version,
            )
        return Response(
            ForkResultSerializer(
                {
                    "lesson_id": recording.lesson_id,
                    "version": draft.version,
                    "files": draft.files,
                    "updated_at": draft.updated_at,
                    "t_ms": data.validated_data["t_ms"],
                    "seq": state.seq,
                }
            ).data
        )


# --- publishing ---------------------------------------------------------------------------------


class _PublishingView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    def answer(self, recording: Recording) -> Response:
        return Response(PublishResultSerializer(recording).data)


class RecordingPublishView(_PublishingView):
    @extend_schema(
        operation_id="recording_publish",
        summary="Publish a recording to its course's learners (admin)",
        description="Requires status `ready` (409 `recording_not_ready` otherwise) and, when the "
        "recording has a lesson, a lesson of its course (409 `invalid_link`). Idempotent; the first "
        "publication announces RecordingPublished.",
        request=None,
        responses={200: PublishResultSerializer, 409: OpenApiResponse(ConflictErrorResponse)},
    )
    def post(self, request, recording_id):
        recording = recording_get_for_manager(user=request.user, recording_id=recording_id)
        try:
            recording = timeline_services.recording_publish(recording_id=recording.pk)
        except timeline_services.RecordingNotReady as exc:
            return _conflict(
                "recording_not_ready",
                f"The recording is `{exc.status}`: only a `ready` recording can be published.",
            )
        except timeline_services.RecordingLinkInvalid:
            return _conflict("invalid_link", "The recording's lesson is not a lesson of its course.")
        return self.answer(recording)


class RecordingUnpublishView(_PublishingView):
    @extend_schema(
        operation_id="recording_unpublish",
        summary="Hide a recording from learners again (admin)",
        request=None,
        responses=PublishResultSerializer,
    )
    def post(self, request, recording_id):
        recording = recording_get_for_manager(user=request.user, recording_id=recording_id)
        return self.answer(timeline_services.recording_unpublish(recording_id=recording.pk))
