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
from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cms.models import CoursePage
from learning.events import CourseCompleted, LessonCompleted, LessonStarted, bus

from .models import CourseCompletion, Enrollment, EventType, LessonProgress, ProgressEvent
from .selectors import visible_lessons_by_course, visible_lessons_with_courses

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
            return enrollment, True
    return enrollment, created


def enrollment_delete(*, user, course: CoursePage) -> bool:
    """Unenroll, keeping every event, lesson state and completion. False if not enrolled."""
    return bool(
        Enrollment.objects.filter(user=user, course=course, active=True).update(
            active=False, unenrolled_at=timezone.now()
        )
    )


# --- events ------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    """One event as parsed by the API (field validation done; no DB checks yet)."""

    index: int
    event_id: uuid.UUID
    type: str
    lesson_id: int
    occurred_at: dt.datetime
    position: object = None


@dataclass
class IngestResult:
    results: list[dict] = field(default_factory=list)

    def add(self, index: int, event_id, status: str, code: str | None = None, detail: str | None = None):
        self.results.append(
            {"index": index, "event_id": str(event_id) if event_id else None, "status": status}
            | ({"code": code, "detail": detail} if code else {})
        )

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r["status"] == status)


def progress_events_ingest(
    *, user, events: list[EventInput], result: IngestResult | None = None
) -> IngestResult:
    """Store the accepted events and fold them into lesson state, completing courses.

    Per event, in this order: a duplicate (event_id already stored for this user, or
    seen earlier in the batch) is reported and ignored; an event dated further in the
    future than PROGRESS_MAX_CLOCK_SKEW_SECONDS, for a lesson the learner cannot see,
    or in a course they are not enrolled in is rejected with a reason; the rest are
    stored. Concurrent batches of one learner are serialised by locking their
    enrollment rows, and completions are additionally unique in the database, so two
    racing "last lesson completed" events create one completion.
    """
    result = result or IngestResult()
    now = timezone.now()
    horizon = now + dt.timedelta(seconds=settings.PROGRESS_MAX_CLOCK_SKEW_SECONDS)
    with transaction.atomic():
        lessons = visible_lessons_with_courses([e.lesson_id for e in events])
        course_ids = {course_id for _, course_id in lessons.values()}
        enrolled = set(
            Enrollment.objects.select_for_update()
            .filter(user=user, course__in=course_ids, active=True)
            .order_by("pk")
            .values_list("course_id", flat=True)
        )
        stored = set(
            ProgressEvent.objects.filter(user=user, event_id__in=[e.event_id for e in events]).values_list(
                "event_id", flat=True
            )
        )
        accepted: list[EventInput] = []
        for event in events:
            if event.event_id in stored:
                result.add(event.index, event.event_id, "duplicate")
                continue
            if event.occurred_at > horizon:
                result.add(
                    event.index, event.event_id, "rejected", "in_future", "occurred_at is in the future."
                )
                continue
            if event.lesson_id not in lessons:
                result.add(
                    event.index, event.event_id, "rejected", "lesson_not_found", "No such published lesson."
                )
                continue
            if lessons[event.lesson_id][1] not in enrolled:
                result.add(
                    event.index,
                    event.event_id,
                    "rejected",
                    "not_enrolled",
                    "Enroll in the course first (POST /api/v1/courses/{id}/enrollment/).",
                )
                continue
            stored.add(event.event_id)
            accepted.append(event)
            result.add(event.index, event.event_id, "accepted")
        result.results.sort(key=lambda r: r["index"])
        if accepted:
            _store_and_fold(user=user, events=accepted, lessons=lessons, now=now)
    return result


def _store_and_fold(*, user, events: list[EventInput], lessons, now) -> None:
    ProgressEvent.objects.bulk_create(
        [
            ProgressEvent(
                user=user,
                event_id=e.event_id,
                type=e.type,
                lesson_id=e.lesson_id,
                course_id=lessons[e.lesson_id][1],
                occurred_at=e.occurred_at,
                received_at=now,
                position=e.position,
            )
            for e in events
        ]
    )
    states = {
        s.lesson_id: s
        for s in LessonProgress.objects.filter(user=user, lesson__in={e.lesson_id for e in events})
    }
    new_states: dict[int, LessonProgress] = {}
    started, completed = [], []
    for event in sorted(events, key=lambda e: e.occurred_at):
        course_id = lessons[event.lesson_id][1]
        state = states.get(event.lesson_id) or new_states.get(event.lesson_id)
        if state is None:
            state = new_states[event.lesson_id] = LessonProgress(
                user=user, lesson_id=event.lesson_id, course_id=course_id, last_event_at=event.occurred_at
            )
        if state.started_at is None:
            state.started_at = event.occurred_at
            started.append(
                LessonStarted(
                    user_id=user.pk,
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
                        user_id=user.pk,
                        lesson_id=event.lesson_id,
                        course_id=course_id,
                        occurred_at=event.occurred_at,
                    )
                )
                state.completed_at = event.occurred_at
            state.completed_at = min(state.completed_at, event.occurred_at)
    # One upsert writes new and changed states alike (no per-row UPDATE, no CASE
    # expressions); rows are locked by the enrollment lock taken above.
    LessonProgress.objects.bulk_create(
        [*states.values(), *new_states.values()],
        update_conflicts=True,
        unique_fields=["user", "lesson"],
        update_fields=["started_at", "completed_at", "last_event_at", "position"],
    )
    # Last activity is when the learner was active (offline clients sync late), and
    # never moves backwards.
    last_activity = Value(max(e.occurred_at for e in events))
    Enrollment.objects.filter(user=user, course__in={lessons[e.lesson_id][1] for e in events}).update(
        last_activity_at=Greatest(Coalesce("last_activity_at", last_activity), last_activity)
    )
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
