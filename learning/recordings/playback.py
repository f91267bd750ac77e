"""Read queries of learner playback (docs/recordings.md, "Playback", "Timeline and
state"): the list of recordings a caller may watch, a window of the snapshot timeline,
and the code state at a given time. Who may see a recording is decided once, by
`selectors.recordings_visible_to` / `recording_get_for_user` (part 1); everything here
starts from a recording the caller may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet, Subquery

from .models import Recording
from .selectors import recordings_visible_to
from .snapshot_format import state_from_rows
from .snapshot_models import Snapshot

TIMELINE_FIELDS = ("seq", "client_id", "t_ms", "kind", "diff", "files", "cursor", "console")


def recordings_for_player(*, user, course_id: int | None = None, lesson_id: int | None = None) -> QuerySet:
    """Recordings the user may watch, newest published first, optionally of one course
    or lesson. Learners get published ones of visible courses and lessons; a teacher
    also their own courses' (any status); an admin all. Two queries per page (the
    count and the rows: course, lesson and poster come with the row)."""
    recordings = recordings_visible_to(user=user)
    if course_id is not None:
        recordings = recordings.filter(course_id=course_id)
    if lesson_id is not None:
        recordings = recordings.filter(lesson_id=lesson_id)
    return recordings.select_related("course", "lesson").order_by("-published_at", "-created_at", "-pk")


@dataclass(frozen=True)
class TimelineWindow:
    items: list[dict]
    next_seq: int | None  # where the next page of this window starts, if there is one


def timeline_window(
    *,
    recording: Recording | int,
    from_ms: int,
    to_ms: int | None,
    after_seq: int | None = None,
    limit: int | None = None,
) -> TimelineWindow:
    """Snapshots with from_ms <= t_ms <= to_ms in order, at most `limit`
    (RECORDING_TIMELINE_MAX_ITEMS), starting after `after_seq` when a client follows
    the cursor. One query (one more row than the page tells whether another follows)."""
    limit = min(limit or settings.RECORDING_TIMELINE_MAX_ITEMS, settings.RECORDING_TIMELINE_MAX_ITEMS)
    recording_id = recording if isinstance(recording, int) else recording.pk
    rows = Snapshot.objects.filter(recording_id=recording_id, t_ms__gte=from_ms)
    if to_ms is not None:
        rows = rows.filter(t_ms__lte=to_ms)
    if after_seq is not None:
        rows = rows.filter(seq__gt=after_seq)
    items = list(rows.order_by("t_ms", "seq").values(*TIMELINE_FIELDS)[: limit + 1])
    if len(items) > limit:
        return TimelineWindow(items[:limit], items[limit - 1]["seq"])
    return TimelineWindow(items, None)


@dataclass(frozen=True)
class CodeState:
    t_ms: int  # the time asked for
    seq: int | None  # the snapshot in force at that time (None: before the first one)
    snapshot_t_ms: int | None
    files: dict[str, str]
    cursor: dict | None
    diffs_applied: int


def state_at(*, recording: Recording | int, t_ms: int) -> CodeState:
    """The code as it was at `t_ms`: the last snapshot at or before it, rebuilt from its
    keyframe and the diffs after the keyframe (fewer than RECORDING_KEYFRAME_EVERY). One
    query: the run from the keyframe to the snapshot in force, whose two ends come from
    scalar subqueries (each an index seek on recording, t_ms, seq)."""
    in_force = Snapshot.objects.filter(recording=recording, t_ms__lte=t_ms).order_by("-t_ms", "-seq")[:1]
    rows = list(
        Snapshot.objects.filter(
            recording=recording,
            seq__gte=Subquery(in_force.values("keyframe_seq")),
            seq__lte=Subquery(in_force.values("seq")),
        )
        .order_by("seq")
        .values("seq", "t_ms", "cursor", "files", "diff")
    )
    return _code_state(t_ms, rows)


def state_at_seq(*, recording_id: int, seq: int) -> CodeState:
    """The code after snapshot `seq` (the read cache found it in force at some time):
    its keyframe and the diffs after it, one query."""
    keyframe = Snapshot.objects.filter(recording_id=recording_id, seq=seq).values("keyframe_seq")
    rows = list(
        Snapshot.objects.filter(recording_id=recording_id, seq__gte=Subquery(keyframe), seq__lte=seq)
        .order_by("seq")
        .values("seq", "t_ms", "cursor", "files", "diff")
    )
    return _code_state(rows[-1]["t_ms"] if rows else 0, rows)


def _code_state(t_ms: int, rows: list[dict]) -> CodeState:
    if not rows:
        return CodeState(t_ms, None, None, {}, None, 0)
    last = rows[-1]
    return CodeState(t_ms, last["seq"], last["t_ms"], state_from_rows(rows), last["cursor"], len(rows) - 1)


@dataclass(frozen=True)
class ChainEnd:
    """Where the next ingested snapshot goes: after `seq` (None: the first), at a time
    not before `t_ms`, on top of `files`, counting from keyframe `keyframe_seq`."""

    seq: int | None
    t_ms: int
    keyframe_seq: int | None
    files: dict[str, str]


def chain_end(*, recording: Recording) -> ChainEnd:
    """The last stored snapshot and the state after it (two queries)."""
    last = (
        Snapshot.objects.filter(recording=recording)
        .order_by("-seq")
        .values("seq", "keyframe_seq", "t_ms")
        .first()
    )
    if last is None:
        return ChainEnd(None, 0, None, {})
    rows = Snapshot.objects.filter(
        recording=recording, seq__gte=last["keyframe_seq"], seq__lte=last["seq"]
    ).order_by("seq")
    return ChainEnd(
        last["seq"], last["t_ms"], last["keyframe_seq"], state_from_rows(rows.values("files", "diff"))
    )


def snapshot_ids_stored(*, recording: Recording, client_ids: list[str], chunk: int = 900) -> set[str]:
    """Which of these client ids the recording already holds (one query per `chunk`
    ids: SQLite caps a statement's parameters)."""
    found: set[str] = set()
    for start in range(0, len(client_ids), chunk):
        found.update(
            Snapshot.objects.filter(
                recording=recording, client_id__in=client_ids[start : start + chunk]
            ).values_list("client_id", flat=True)
        )
    return found


def recording_get_for_player(*, user, recording_id: int) -> Recording:
    """`selectors.recording_get_for_user` with the course and lesson joined (for the
    detail's titles). Http404 for anything the user may not see."""
    from django.http import Http404

    recording = recordings_for_player(user=user).filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No such recording.")
    return recording


def recording_token_for_player(*, user, recording_id: int) -> str:
    """Access to a recording's timeline (state and windows) without loading it: Http404
    for anything the user may not see (the rule of `selectors.recording_get_for_user`),
    else the recording's read-cache token (read_cache.py). A learner's repeat read runs
    no SQL: the learner answer is the same for everyone and cached under the tokens of
    the recording and its course (`read_cache.learner_may_watch`); teachers (when the
    learner answer is no) and admins take the database path.

    The callers' views require IsVerified, so whoever asks may see what learners see
    (teachers and admins see more, never less): the learner answer comes first, before
    the roles are read (a query on the user's groups)."""
    from django.http import Http404

    from learning.accounts.permissions import user_may_learn
    from learning.accounts.roles import Role, user_has_role

    from . import read_cache
    from .selectors import recording_get_for_user

    if user_may_learn(user):
        token = read_cache.learner_may_watch(recording_id)
        if token is not None:
            return token
    if not (user_has_role(user, Role.ADMIN) or user_has_role(user, Role.TEACHER)):
        raise Http404("No such recording.")
    if not 0 < recording_id <= read_cache.MAX_ID:
        raise Http404("No such recording.")
    recording = recording_get_for_user(user=user, recording_id=recording_id)
    return read_cache.recording_token(recording.pk)
