"""State changes of learner progress: enrollment and event ingestion.

Ingestion is built for batches (up to PROGRESS_MAX_BATCH events): it runs a fixed
number of queries whatever the batch size (bulk reads, bulk_create, bulk_update),
accepts or rejects each event on its own, and is idempotent by (user, event_id).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.models import CoursePage
from learning.events import CourseCompleted, Enrolled, LessonCompleted, LessonStarted, bus

from . import statements as sql
from .models import CourseCompletion, Enrollment, EventType, LessonProgress, ProgressEvent
from .read_cache import learner_changed
from .selectors import visible_lesson_courses, visible_lessons_by_course

# --- enrollment --------------------------------------------------------------------


def enrollment_create(*, user, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enroll; a second call is a no-op. Returns (enrollment, created_or_reactivated)."""
    now = timezone.now()
    with transaction.atomic():
        enrollment, created = Enrollment.objects.select_for_update().get_or_create(
            user=user, course=course, defaults={"enrolled_at": now, "last_activity_at": now}
        )
        if not created and not enrollment.active:
            enrollment.active = True
            enrollment.unenrolled_at = None
            enrollment.save(update_fields=["active", "unenrolled_at"])
            created = True
        if created:
            learner_changed(user.pk)  # my courses, course progress's `enrolled`
            bus.publish(Enrolled(user_id=user.pk, course_id=course.pk, occurred_at=now))
    return enrollment, created


def enrollment_delete(*, user, course: CoursePage) -> bool:
    """Unenroll, keeping every event, lesson state and completion. False if not enrolled."""
    with transaction.atomic():
        left = bool(
            Enrollment.objects.filter(user=user, course=course, active=True).update(
                active=False, unenrolled_at=timezone.now()
            )
        )
        if left:
            learner_changed(user.pk)
    return left


# --- events ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event as parsed by the API (field validation done; no DB checks yet).
    `position` is the JSON text of the client's position, or None."""

    index: int
    event_id: uuid.UUID
    type: str
    lesson_id: int
    occurred_at: dt.datetime
    position: str | None = None


@dataclass
class IngestResult:
    results: list[dict] = field(default_factory=list)

    def add(self, index: int, event_id, status: str, code: str | None = None, detail=None):
        self.results.append(
            {"index": index, "event_id": str(event_id) if event_id else None, "status": status}
            | ({"code": code, "detail": detail} if code else {})
        )

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r["status"] == status)


REJECTIONS = {
    "in_future": "occurred_at is in the future.",
    "lesson_not_found": "No such published lesson.",
    "not_enrolled": "Enroll in the course first (POST /api/v1/courses/{id}/enrollment/).",
}


def progress_events_ingest(
    *, user, events: list[EventInput], result: IngestResult | None = None
) -> IngestResult:
    """Store the accepted events and fold them into lesson state, completing courses.

    Per event, in this order: a duplicate (event_id already stored for this user, or
    accepted earlier in the batch) is reported and ignored; an event dated further in
    the future than PROGRESS_MAX_CLOCK_SKEW_SECONDS, for a lesson the learner cannot
    see, or in a course they are not enrolled in is rejected with a reason; the rest
    are stored. Concurrent batches of one learner are serialised by locking their
    enrollment rows, and completions are additionally unique in the database, so two
    racing "last lesson completed" events create one completion.

    A batch of any size runs the same statements: the visible lessons, the enrollment
    lock, one INSERT ... ON CONFLICT DO NOTHING RETURNING of the events (the unique
    (user, event_id) constraint is the duplicate check), the lesson states of the
    accepted events and their upsert, the enrollment's last activity. Only a batch
    with rejected events asks which of those were stored before (so a retried event
    is a duplicate whatever changed since), and only one that completes a lesson
    checks course completion.
    """
    result = result or IngestResult()
    if not events:
        return result
    now = timezone.now()
    horizon = now + dt.timedelta(seconds=settings.PROGRESS_MAX_CLOCK_SKEW_SECONDS)
    with transaction.atomic():
        lessons = visible_lesson_courses({e.lesson_id for e in events})
        enrolled = sql.enrollments_lock(user_id=user.pk, course_ids=set(lessons.values()))
        candidates: dict[uuid.UUID, EventInput] = {}  # the first of each event_id passing the checks
        rejected: list[tuple[EventInput, str]] = []
        for event in events:
            course_id = lessons.get(event.lesson_id)
            if event.occurred_at > horizon:
                rejected.append((event, "in_future"))
            elif course_id is None:
                rejected.append((event, "lesson_not_found"))
            elif course_id not in enrolled:
                rejected.append((event, "not_enrolled"))
            elif event.event_id in candidates:
                result.add(event.index, event.event_id, "duplicate")
            else:
                candidates[event.event_id] = event
        stored_before = (
            sql.stored_event_ids(user_id=user.pk, event_ids={e.event_id for e, _ in rejected})
            if rejected
            else set()
        )
        inserted = sql.events_insert(
            user_id=user.pk,
            rows=[
                (e.event_id, e.type, e.lesson_id, lessons[e.lesson_id], e.occurred_at, e.position)
                for e in candidates.values()
            ],
            received_at=now,
        )
        accepted = []
        for event in candidates.values():
            if event.event_id in inserted:
                accepted.append(event)
                result.add(event.index, event.event_id, "accepted")
            else:
                result.add(event.index, event.event_id, "duplicate")
        for event, code in rejected:
            first = candidates.get(event.event_id)
            if event.event_id in stored_before or (
                first is not None and first.index < event.index and first.event_id in inserted
            ):
                result.add(event.index, event.event_id, "duplicate")
            else:
                result.add(event.index, event.event_id, "rejected", code, REJECTIONS[code])
        result.results.sort(key=lambda r: r["index"])
        if accepted:
            _fold(user=user, events=accepted, lessons=lessons, now=now)
            # lesson states, last activity, completions: the learner's cached reads
            learner_changed(user.pk)
    return result


@dataclass(slots=True)
class _State:
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_event_at: dt.datetime
    position: str | None  # JSON text


def _fold(*, user, events: list[EventInput], lessons: dict[int, int], now) -> None:
    """Fold accepted events into the per-lesson state rows (earliest start, earliest
    completion, latest position by occurred_at: the same whatever order events arrive
    in), publish lesson_started / lesson_completed, and complete courses."""
    user_id = user.pk
    states = {
        lesson_id: _State(*row)
        for lesson_id, *row in sql.lesson_states(user_id=user_id, lesson_ids={e.lesson_id for e in events})
    }
    started, completed = [], []
    for event in sorted(events, key=lambda e: e.occurred_at):
        course_id = lessons[event.lesson_id]
        state = states.get(event.lesson_id)
        if state is None:
            state = states[event.lesson_id] = _State(None, None, event.occurred_at, None)
        if state.started_at is None:
            state.started_at = event.occurred_at
            started.append(
                LessonStarted(
                    user_id=user_id,
                    lesson_id=event.lesson_id,
                    course_id=course_id,
                    occurred_at=event.occurred_at,
                )
            )
        state.started_at = min(state.started_at, event.occurred_at)
        if event.occurred_at >= state.last_event_at:
            state.last_event_at = event.occurred_at
            if event.position is not None:
                state.position = event.position
        if event.type == EventType.LESSON_COMPLETED:
            if state.completed_at is None:
                completed.append(
                    LessonCompleted(
                        user_id=user_id,
                        lesson_id=event.lesson_id,
                        course_id=course_id,
                        occurred_at=event.occurred_at,
                    )
                )
                state.completed_at = event.occurred_at
            state.completed_at = min(state.completed_at, event.occurred_at)
    # One upsert writes new and changed states alike; the rows are the learner's own,
    # in courses whose enrollment rows this transaction has locked.
    sql.lesson_states_upsert(
        user_id=user_id,
        rows=[
            (lesson_id, lessons[lesson_id], s.started_at, s.completed_at, s.last_event_at, s.position)
            for lesson_id, s in states.items()
        ],
    )
    # Last activity is when the learner was active (offline clients sync late), and
    # never moves backwards.
    last_activity: dict[int, dt.datetime] = {}
    for e in events:
        course_id = lessons[e.lesson_id]
        if course_id not in last_activity or e.occurred_at > last_activity[course_id]:
            last_activity[course_id] = e.occurred_at
    sql.enrollments_touch(user_id=user_id, last_activity=last_activity)
    for event in started + completed:
        bus.publish(event)
    if completed:
        _complete_courses(user=user, course_ids={e.course_id for e in completed}, now=now)


def _complete_courses(*, user, course_ids: set[int], now) -> None:
    """Create the completion record of every course whose required lessons are now
    all completed, exactly once."""
    courses = {
        c.path: c for c in CoursePage.objects.filter(pk__in=course_ids).exclude(completions__user=user)
    }
    if not courses:
        return
    lessons = visible_lessons_by_course(list(courses))
    done = dict(
        LessonProgress.objects.filter(
            user=user, course__in=[c.pk for c in courses.values()], completed_at__isnull=False
        ).values_list("lesson_id", "completed_at")
    )
    for path, course in courses.items():
        required = [lesson for lesson in lessons.get(path, []) if lesson.required]
        if not required or any(lesson.id not in done for lesson in required):
            continue
        stats = {
            "required_lessons": len(required),
            "lessons_completed": sum(1 for lesson in lessons.get(path, []) if lesson.id in done),
            "first_completed_at": min(done[lesson.id] for lesson in required).isoformat(),
            "last_completed_at": max(done[lesson.id] for lesson in required).isoformat(),
            "events_recorded": ProgressEvent.objects.filter(user=user, course=course).count(),
        }
        try:
            with transaction.atomic():
                completion = CourseCompletion.objects.create(
                    user=user, course=course, completed_at=now, stats=stats
                )
        except IntegrityError:
            continue  # a concurrent batch completed it first: one record, one event
        bus.publish(
            CourseCompleted(
                user_id=user.pk, course_id=course.pk, completion_id=completion.pk, completed_at=now
            )
        )
