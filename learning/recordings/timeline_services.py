"""State changes of the snapshot timeline and of publication (docs/recordings.md):
bulk ingestion of snapshots, publish / unpublish, and a learner's fork of the code at a
time into their draft. One function per use case, the transaction inside; views parse
and authorise, these decide."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learning.events import RecordingPublished, RecordingUnpublished, bus

from . import read_cache
from .models import Recording, RecordingStatus
from .playback import chain_end, snapshot_ids_stored, state_at
from .snapshot_format import SnapshotChain, SnapshotProblem, snapshot_input_clean
from .snapshot_statements import snapshots_insert


@dataclass(frozen=True)
class IngestResult:
    received: int
    inserted: int
    duplicates: int  # items already stored by an earlier batch (skipped)
    snapshot_count: int
    last_t_ms: int | None


def snapshots_ingest(*, recording_id: int, items: list) -> IngestResult:
    """Append a batch of snapshots (client dicts, in order) to the recording's timeline,
    all or nothing. Raises SnapshotProblem (index, field, code) for the first bad item;
    then nothing is written.

    Idempotent by the items' ids: items already stored (a retried batch) are skipped
    and counted in `duplicates`; they must lead the batch, since the items after them
    are diffs on top of them. The recording's row is locked for the batch, so two
    batches for one recording queue rather than interleave."""
    inputs = [snapshot_input_clean(raw, index) for index, raw in enumerate(items)]
    seen: dict[str, int] = {}
    for index, item in enumerate(inputs):
        if item.client_id in seen:
            raise SnapshotProblem(
                index, "id", "duplicate", f"The id {item.client_id} is also item {seen[item.client_id]}'s."
            )
        seen[item.client_id] = index
    with transaction.atomic():
        recording = Recording.objects.select_for_update().only("pk").get(pk=recording_id)
        stored = snapshot_ids_stored(recording=recording, client_ids=list(seen)) if inputs else set()
        skip = 0
        while skip < len(inputs) and inputs[skip].client_id in stored:
            skip += 1
        for index in range(skip, len(inputs)):
            if inputs[index].client_id in stored:
                raise SnapshotProblem(
                    index,
                    "id",
                    "already_stored",
                    f"The id {inputs[index].client_id} is stored already, but comes after new snapshots "
                    "in this batch: resend the new snapshots only.",
                )
        end = chain_end(recording=recording)
        new = inputs[skip:]
        if not new:
            return IngestResult(
                len(inputs), 0, skip, _count(recording.pk), end.t_ms if end.seq is not None else None
            )
        chain = SnapshotChain(
            state=end.files,
            next_seq=0 if end.seq is None else end.seq + 1,
            last_t_ms=end.t_ms,
            keyframe_seq=end.keyframe_seq,
        )
        rows = [chain.append(item, skip + offset) for offset, item in enumerate(new)]
        snapshots_insert(recording_id=recording.pk, rows=rows)
        Recording.objects.filter(pk=recording.pk).update(
            snapshot_count=F("snapshot_count") + len(rows), updated_at=timezone.now()
        )
        read_cache.recording_changed(recording.pk)  # .update() sends no post_save
    return IngestResult(len(inputs), len(rows), skip, _count(recording.pk), chain.last_t_ms)


def _count(recording_id: int) -> int:
    return Recording.objects.filter(pk=recording_id).values_list("snapshot_count", flat=True).get()


# --- publishing ------------------------------------------------------------------------


class RecordingNotReady(Exception):
    """Only a recording whose video is ready (transcoded, or playable as uploaded) may
    be published."""

    def __init__(self, status: str):
        super().__init__(f"the recording is {status}, not ready")
        self.status = status


class RecordingLinkInvalid(Exception):
    """The recording's lesson is not a lesson of its course."""


def recording_publish(*, recording_id: int) -> Recording:
    """Make the recording visible to its course's learners. Idempotent: publishing a
    published recording changes nothing and emits nothing; otherwise RecordingPublished
    goes out after commit."""
    from cms.permissions import course_of_page

    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update(of=("self",)).select_related("lesson").get(pk=recording_id)
        )
        if recording.status != RecordingStatus.READY:
            raise RecordingNotReady(recording.status)
        if recording.lesson is not None:
            course = course_of_page(recording.lesson)
            if course is None or course.pk != recording.course_id:
                raise RecordingLinkInvalid("the recording's lesson is not in its course")
        if recording.is_published:
            return recording
        recording.is_published = True
        recording.published_at = timezone.now()
        recording.save(update_fields=["is_published", "published_at", "updated_at"])
        bus.publish(
            RecordingPublished(
                recording_id=recording.pk,
                course_id=recording.course_id,
                lesson_id=recording.lesson_id,
                snapshot_count=recording.snapshot_count,
                duration_ms=recording.duration_ms,
                occurred_at=recording.published_at,
            )
        )
    return recording


def recording_unpublish(*, recording_id: int) -> Recording:
    """Hide the recording from learners again (teachers of the course and admins still
    see it). Idempotent: unpublishing an unpublished recording changes nothing and
    emits nothing; otherwise RecordingUnpublished goes out after commit."""
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording_id)
        if recording.is_published:
            recording.is_published = False
            recording.published_at = None
            recording.save(update_fields=["is_published", "published_at", "updated_at"])
            recording_unpublished_announce(recording)
    return recording


def recording_unpublished_announce(recording: Recording) -> None:
    """RecordingUnpublished for a recording that was published (delivered after the
    caller's commit): on unpublish here, and on delete (services.on_recording_deleted)."""
    bus.publish(
        RecordingUnpublished(
            recording_id=recording.pk,
            course_id=recording.course_id,
            lesson_id=recording.lesson_id,
            occurred_at=timezone.now(),
        )
    )


# --- fork: "pause and edit" ---------------------------------------------------------------


class RecordingHasNoLesson(Exception):
    """A fork goes into the learner's draft of the recording's lesson: there is none."""


def recording_fork(*, user, recording: Recording, lesson, t_ms: int, base_version: int):
    """Copy the code as it was at `t_ms` into the user's draft of `lesson` (the
    recording's lesson, which the caller has checked the user may see), through the
    coding app's draft service: its limits, its history and its optimistic concurrency
    (`base_version`; a stale one raises learning.coding.services.DraftConflict).

    A call, not an event: the learner waits for the draft (its new version, or the
    conflict), and a refusal must reach them; an event is fire-and-forget after commit."""
    from learning.coding.rules import file_language
    from learning.coding.services import draft_save

    state = state_at(recording=recording, t_ms=t_ms)
    files = [
        {"name": path, "language": file_language(path), "content": content}
        for path, content in sorted(state.files.items())
    ]
    return draft_save(user=user, lesson=lesson, files=files, base_version=base_version), state
