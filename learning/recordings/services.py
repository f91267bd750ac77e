"""Use cases of recordings (part 1: managing a recording, its video upload and the
transcoding job). One function per use case, the transaction inside; views only parse
and authorise, the job only calls `recording_process`."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from learning.accounts.roles import Role, user_has_role

from . import media, read_cache
from .models import Recording, RecordingStatus
from .upload import Part, UploadRefused, head_of, part_copy

log = logging.getLogger("mrict.recordings")


# --- who may manage ----------------------------------------------------------------


def user_may_manage_recordings(user) -> bool:
    """Admins; teachers only when RECORDINGS_TEACHERS_MAY_UPLOAD is on (and then only in
    courses they may edit: recordings_manageable_by / the course check below)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user_has_role(user, Role.ADMIN):
        return True
    return settings.RECORDINGS_TEACHERS_MAY_UPLOAD and user_has_role(user, Role.TEACHER)


class RecordingConflict(Exception):
    """The recording's state forbids this change (409); `code` is the API error code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _check_links(*, user, course, lesson) -> None:
    from cms.permissions import course_of_page, user_can_edit_course

    if not user_can_edit_course(user, course):
        raise ValidationError(
            {"course": "No such course, or not one you may edit."}, code="course_not_editable"
        )
    if lesson is not None and course_of_page(lesson) != course:
        raise ValidationError(
            {"lesson": "This lesson is not in the recording's course."}, code="lesson_not_in_course"
        )


# --- create, update, delete ----------------------------------------------------------


def recording_create(*, user, title: str, course, lesson=None, description: str = "") -> Recording:
    _check_links(user=user, course=course, lesson=lesson)
    return Recording.objects.create(
        title=title, description=description, course=course, lesson=lesson, created_by=user
    )


def recording_update(*, user, recording: Recording, data: dict) -> Recording:
    """Title, description and the course/lesson link."""
    course = data.get("course", recording.course)
    lesson = data.get("lesson", recording.lesson)
    if "course" in data or "lesson" in data:
        _check_links(user=user, course=course, lesson=lesson)
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording.pk)
        for name in ("title", "description"):
            if name in data:
                setattr(recording, name, data[name])
        recording.course, recording.lesson = course, lesson
        recording.save()
    return recording


def recording_delete(*, user, recording: Recording) -> None:
    """The row (and, part 2's, its snapshots) now; its files after the commit."""
    names = _stored_files(recording)
    partial = upload_dir() / recording.upload_path if recording.upload_path else None
    recording_id = recording.pk
    with transaction.atomic():
        Recording.objects.filter(pk=recording_id).delete()
        transaction.on_commit(lambda: _files_delete(names, partial=partial))


def on_recording_deleted(sender, instance: Recording, **kwargs) -> None:
    """A published recording deleted (through `recording_delete`, the editor's delete,
    or with its course: Recording.course cascades) is hidden from learners:
    RecordingUnpublished, after the deleting transaction commits. A `post_delete`
    receiver because the cascade from a deleted course page runs no code of ours."""
    if instance.is_published:
        from .timeline_services import recording_unpublished_announce

        recording_unpublished_announce(instance)


def _rendition_files(recording: Recording) -> list[tuple[object, str]]:
    """The rendition's stored files: the MP4, or the HLS playlist and its segments."""
    if not recording.rendition:
        return []
    storage, name = recording.rendition.storage, recording.rendition.name
    files = [(storage, name)]
    if recording.rendition_kind == "hls":
        prefix = name.rsplit("/", 1)[0]
        with contextlib.suppress(NotImplementedError, FileNotFoundError):
            files += [
                (storage, f"{prefix}/{other}")
                for other in storage.listdir(prefix)[1]
                if f"{prefix}/{other}" != name
            ]
    return files


def _stored_files(recording: Recording) -> list[tuple[object, str]]:
    return [(f.storage, f.name) for f in (recording.video, recording.poster) if f] + _rendition_files(
        recording
    )


def _files_delete(names, *, partial: Path | None = None) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except Exception:  # a missing file must not stop the others
            log.warning("could not delete %s", name, exc_info=True)
    if partial is not None:
        partial.unlink(missing_ok=True)


# --- the video upload (resumable) ------------------------------------------------------


def upload_dir() -> Path:
    return Path(settings.RECORDING_UPLOAD_DIR or Path(settings.MEDIA_ROOT) / "recording-uploads")


def recording_upload_part(*, user, recording: Recording, part: Part, stream) -> Recording:
    """Append one part of the video (docs/recordings.md, "Upload").

    The row is locked for the part (a second client uploading to the same recording
    waits, then finds the offset moved: 409). A part must start at the stored offset; one
    starting at 0 begins a new upload. The first bytes are checked as soon as they are in
    (a renamed text file is refused after one part, not after 400 MB); the last part
    runs ffprobe over the whole file, moves it into storage and queues the job.

    Raises UploadRefused. A refusal after bytes were read is raised once the
    transaction has committed what must stay: the bytes received before a dropped
    connection (to resume from), or the failed status and its reason."""
    limit = settings.RECORDING_MAX_UPLOAD_BYTES
    refusal: UploadRefused | None = None
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording.pk)
        if recording.is_published:
            raise UploadRefused(
                409, "recording_published", "Unpublish the recording before replacing its video."
            )
        offset = recording.upload_offset if recording.upload_path else 0
        if part.first == 0:
            _upload_reset(recording)
            recording.upload_path = f"{recording.pk}-{uuid.uuid4().hex}.part"
            recording.status = RecordingStatus.UPLOADING
            recording.failure_reason = ""
        elif part.first != offset:
            raise UploadRefused(
                409,
                "upload_offset_mismatch",
                f"This upload continues at byte {offset}; send the part that starts there "
                "(or start again at 0).",
                offset=offset,
            )
        elif part.total is not None and recording.upload_total not in (None, part.total):
            raise UploadRefused(
                409,
                "upload_total_mismatch",
                f"This upload was announced as {recording.upload_total} bytes.",
                offset=offset,
            )
        path = upload_dir() / recording.upload_path
        try:
            copied = part_copy(
                stream=stream,
                path=path,
                first=part.first,
                length=part.length,
                limit=limit,
                chunk_bytes=settings.RECORDING_UPLOAD_CHUNK_BYTES,
            )
        except UploadRefused as refused:  # grew past the limit while streaming
            _upload_drop(recording, reason=refused.detail)
            refusal = refused
        else:
            recording.upload_offset = part.first + copied.written
            if part.total is not None or part.length is None:
                recording.upload_total = part.total if part.length is not None else copied.written
            sniffable = recording.upload_offset >= media.SNIFF_BYTES or (copied.complete and part.is_last)
            if sniffable and media.container_of(head_of(path, media.SNIFF_BYTES)) is None:
                detail = "This file is not a WebM or MP4 video (its first bytes say otherwise)."
                _upload_drop(recording, reason=detail)
                refusal = UploadRefused(415, "video_format_unsupported", detail)
            elif not copied.complete:
                refusal = UploadRefused(
                    400,
                    "upload_incomplete",
                    f"The body ended after {copied.written} of {part.length or 'the'} bytes; resume at byte "
                    f"{recording.upload_offset}.",
                    offset=recording.upload_offset,
                )
            elif part.is_last:
                try:
                    _upload_finish(recording, path)
                except media.VideoInvalid as invalid:
                    _upload_drop(recording, reason=invalid.detail)
                    refusal = UploadRefused(400, invalid.code, invalid.detail)
        recording.save()
    if refusal is not None:
        raise refusal
    return recording


def _upload_reset(recording: Recording) -> None:
    if recording.upload_path:
        (upload_dir() / recording.upload_path).unlink(missing_ok=True)
    recording.upload_path = ""
    recording.upload_offset = 0
    recording.upload_total = None


def _upload_drop(recording: Recording, *, reason: str) -> None:
    _upload_reset(recording)
    recording.status = RecordingStatus.FAILED
    recording.failure_reason = reason


class _LocalFile(File):
    """A file already on local disk: FileSystemStorage moves it instead of copying."""

    def temporary_file_path(self) -> str:
        return self.name


def _upload_finish(recording: Recording, path: Path) -> None:
    container = media.container_of(head_of(path, media.SNIFF_BYTES))
    probe = media.probe(path, container=container) if media.tool_path("ffprobe") else None
    old = _stored_files(recording)
    with open(path, "rb") as fh:
        recording.video.save(f"{uuid.uuid4().hex}.{container}", _LocalFile(fh, name=str(path)), save=False)
    path.unlink(missing_ok=True)
    recording.video_container = container
    recording.video_size = recording.upload_offset
    recording.upload_path = ""
    recording.poster = recording.rendition = ""
    recording.rendition_kind = ""
    if probe is not None:
        recording.duration_ms = probe.duration_ms
        recording.width, recording.height = probe.width, probe.height
        recording.video_codec = probe.video_codec
    else:
        recording.duration_ms = recording.width = recording.height = None
        recording.video_codec = ""
    if media.tool_path("ffmpeg"):
        recording.status = RecordingStatus.PROCESSING
        recording_id = recording.pk
        transaction.on_commit(lambda: _enqueue_process(recording_id))
    else:  # no ffmpeg (`make run` on a bare machine): playable as uploaded
        recording.status = RecordingStatus.READY
    transaction.on_commit(lambda: _files_delete(old))


def _enqueue_process(recording_id: int) -> None:
    from site_config.jobs import enqueue

    enqueue(
        "learning.recordings.tasks.recording_process",
        recording_id,
        queue="heavy",
        task_name=f"recording:{recording_id}",
    )


# --- abandoned uploads -------------------------------------------------------------------


@dataclass(frozen=True)
class UploadsCleaned:
    recordings: list[int]  # recordings whose unfinished upload was dropped
    files: list[str]  # partial files removed (of those recordings, and orphans)


def recording_uploads_cleanup(*, older_than: timedelta | None = None) -> UploadsCleaned:
    """Drop resumable uploads nobody finished (docs/recordings.md, "Abandoned uploads"):
    a recording still `uploading` whose last part arrived more than
    RECORDING_UPLOAD_ABANDON_HOURS ago loses its partial file and its upload state; it
    becomes `ready` again when it still has the video it had before this upload began,
    else `failed` with the reason. Files in RECORDING_UPLOAD_DIR that no recording names
    (a crash between writing and saving, a row deleted while its file could not be) go
    too once they are that old. Each removal is logged. Safe to run twice, and beside
    uploads: a row being written (a part in progress holds its lock) is skipped, and so
    is a file touched since the cut-off."""
    older_than = older_than or timedelta(hours=settings.RECORDING_UPLOAD_ABANDON_HOURS)
    cutoff = timezone.now() - older_than
    folder = upload_dir()
    recordings, files = [], []
    stale = Recording.objects.filter(status=RecordingStatus.UPLOADING, updated_at__lt=cutoff).exclude(
        upload_path=""
    )
    for recording_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            recording = (
                Recording.objects.select_for_update(skip_locked=True)
                .filter(pk=recording_id, status=RecordingStatus.UPLOADING, updated_at__lt=cutoff)
                .exclude(upload_path="")
                .first()
            )
            if recording is None:  # a part is being written, or it changed meanwhile
                continue
            path = folder / recording.upload_path
            if _touched_since(path, cutoff):
                continue
            received = recording.upload_offset
            recording.upload_path, recording.upload_offset, recording.upload_total = "", 0, None
            if recording.video:
                recording.status, recording.failure_reason = RecordingStatus.READY, ""
            else:
                recording.status = RecordingStatus.FAILED
                recording.failure_reason = (
                    f"The upload was abandoned: no part arrived for {older_than.total_seconds() / 3600:g} "
                    "hours. Upload the video again."
                )
            recording.save()
            path.unlink(missing_ok=True)
        log.info(
            "recording %s: dropped an upload abandoned at byte %s (%s)", recording_id, received, path.name
        )
        recordings.append(recording_id)
        files.append(path.name)
    if folder.is_dir():
        named = set(Recording.objects.exclude(upload_path="").values_list("upload_path", flat=True))
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in named and not _touched_since(path, cutoff):
                path.unlink(missing_ok=True)
                log.info("removed %s from the upload folder: no recording names it", path.name)
                files.append(path.name)
    return UploadsCleaned(recordings, files)


def _touched_since(path: Path, cutoff) -> bool:
    try:
        return path.stat().st_mtime > cutoff.timestamp()
    except FileNotFoundError:
        return False


# --- the transcoding job ---------------------------------------------------------------


def recording_process_request(*, user, recording: Recording) -> Recording:
    """Run the job again for the stored video (an admin's "re-process"): status
    processing now, the job after the commit."""
    if not (media.tool_path("ffmpeg") and media.tool_path("ffprobe")):
        raise RecordingConflict(
            "ffmpeg_missing", "ffmpeg/ffprobe are not installed here (see /health/ready)."
        )
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording.pk)
        if recording.status == RecordingStatus.UPLOADING and recording.upload_path:
            raise RecordingConflict("upload_in_progress", "An upload is under way; finish it first.")
        if not recording.video:
            raise RecordingConflict("no_video", "Upload the video first.")
        recording.status = RecordingStatus.PROCESSING
        recording.failure_reason = ""
        recording.save(update_fields=["status", "failure_reason", "updated_at"])
        recording_id = recording.pk
        transaction.on_commit(lambda: _enqueue_process(recording_id))
    return recording


@contextlib.contextmanager
def _local_copy(field):
    """A local path of a stored file: the file itself on local disk, else a temporary
    copy streamed from the storage (S3)."""
    try:
        yield Path(field.storage.path(field.name))
        return
    except NotImplementedError:
        pass
    suffix = Path(field.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with field.storage.open(field.name, "rb") as source:
            shutil.copyfileobj(source, tmp, 1024 * 1024)
        tmp.flush()
        yield Path(tmp.name)


def recording_process(*, recording_id: int) -> str:
    """The job: probe, poster, the RECORDING_TRANSCODE rendition, then status ready, or
    failed with the reason. Safe to run again (a re-run replaces the poster and
    rendition it made before); skipped while a new upload is under way."""
    recording = Recording.objects.filter(pk=recording_id).first()
    if recording is None or not recording.video:
        return "no recording or no video"
    if recording.status == RecordingStatus.UPLOADING:
        return "a new upload is under way"
    video_name = recording.video.name
    outputs: dict = {}
    try:
        with _local_copy(recording.video) as source, tempfile.TemporaryDirectory() as work:
            work = Path(work)
            probe = media.probe(source, container=recording.video_container or "webm")
            outputs["probe"] = probe
            poster = work / "poster.jpg"
            media.make_poster(source, poster, duration_ms=probe.duration_ms)
            outputs["poster"] = poster
            mode = settings.RECORDING_TRANSCODE
            if mode == "mp4":
                target = work / "rendition.mp4"
                media.make_mp4(source, target)
                outputs["rendition"] = ("mp4", [target])
            elif mode == "hls":
                playlist = media.make_hls(source, work / "hls")
                segments = sorted(p for p in playlist.parent.iterdir() if p != playlist)
                outputs["rendition"] = ("hls", [playlist, *segments])
            return _process_save(recording_id, video_name, outputs)
    except (media.VideoInvalid, RuntimeError, FileNotFoundError, OSError) as exc:
        reason = getattr(exc, "detail", None) or str(exc)
        log.warning("recording %s: processing failed: %s", recording_id, reason)
        with transaction.atomic():
            updated = Recording.objects.filter(pk=recording_id, video=video_name).update(
                status=RecordingStatus.FAILED, failure_reason=reason[:2000], updated_at=timezone.now()
            )
            if updated:
                read_cache.recording_changed(recording_id)  # .update() sends no post_save
        return f"failed: {reason}" if updated else "the video changed meanwhile"


def _process_save(recording_id: int, video_name: str, outputs: dict) -> str:
    with transaction.atomic():
        recording = Recording.objects.select_for_update().filter(pk=recording_id, video=video_name).first()
        if recording is None or recording.status == RecordingStatus.UPLOADING:
            return "the video changed meanwhile"
        old = [(f.storage, f.name) for f in (recording.poster,) if f] + _rendition_files(recording)
        probe = outputs["probe"]
        recording.duration_ms = probe.duration_ms
        recording.width, recording.height, recording.video_codec = (
            probe.width,
            probe.height,
            probe.video_codec,
        )
        token = uuid.uuid4().hex[:12]
        with open(outputs["poster"], "rb") as fh:
            recording.poster.save(f"{token}.jpg", File(fh), save=False)
        recording.rendition, recording.rendition_kind = "", ""
        if "rendition" in outputs:
            kind, files = outputs["rendition"]
            storage = recording.rendition.storage
            if kind == "mp4":
                with open(files[0], "rb") as fh:
                    recording.rendition.save(f"{token}.mp4", File(fh), save=False)
            else:  # hls: the playlist names its segments relative to itself
                prefix = f"recordings/{recording.pk}/rendition/hls-{token}"
                for extra in files[1:]:
                    with open(extra, "rb") as fh:
                        storage.save(f"{prefix}/{extra.name}", File(fh))
                with open(files[0], "rb") as fh:
                    recording.rendition.name = storage.save(f"{prefix}/{files[0].name}", File(fh))
            recording.rendition_kind = kind
        recording.status = RecordingStatus.READY
        recording.failure_reason = ""
        recording.save()
        transaction.on_commit(lambda: _files_delete(old))
    return f"ready: {recording.duration_ms} ms, rendition {recording.rendition_kind or 'none'}"
