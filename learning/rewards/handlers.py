"""The rewards app's subscriptions to the domain event bus.

Every handler is a `job=True` subscription: the request that completes a lesson (or
passes a quiz, or a challenge) only enqueues a django-q2 job with the event's ids; the
XP, streak and badge work (a row lock and a handful of queries) runs in a worker. Two
workers handling the same learner's events serialise on the learner's standing row,
and a replayed event earns nothing twice (docs/rewards.md). In tests jobs run
synchronously, after the publisher's commit.
"""

from __future__ import annotations

from django.utils import timezone

from learning.events import bus
from learning.events.types import ChallengePassed, CourseCompleted, LessonCompleted, QuizPassed

from . import services
from .models import XpSource


def on_lesson_completed(event: LessonCompleted) -> None:
    services.event_apply(
        event=services.EarnedEvent(
            user_id=event.user_id,
            source=XpSource.LESSON_COMPLETED,
            source_key=f"lesson:{event.lesson_id}",
            item_key=f"lesson:{event.lesson_id}",
            occurred_at=event.occurred_at,
            course_id=event.course_id,
        )
    )


def on_challenge_passed(event: ChallengePassed) -> None:
    from .selectors import challenge_context

    course_id, lesson_path = challenge_context(challenge_id=event.challenge_id)
    services.event_apply(
        event=services.EarnedEvent(
            user_id=event.user_id,
            source=XpSource.CHALLENGE_PASSED,
            source_key=f"submission:{event.submission_id}",
            item_key=f"challenge:{event.challenge_id}",
            occurred_at=timezone.now(),  # the event carries no time: it is handled just after
            course_id=course_id,
            lesson_path=lesson_path,
        )
    )


def on_quiz_passed(event: QuizPassed) -> None:
    services.event_apply(
        event=services.EarnedEvent(
            user_id=event.user_id,
            source=XpSource.QUIZ_PASSED,
            source_key=f"attempt:{event.attempt_id}",
            item_key=f"quiz:{event.quiz_id}",
            occurred_at=event.occurred_at,
            course_id=event.course_id,
            scale=max(0.0, min(100.0, float(event.grade_percent))) / 100.0,
            quiz_id=event.quiz_id,
            grade_percent=float(event.grade_percent),
        )
    )


def on_course_completed(event: CourseCompleted) -> None:
    services.event_apply(
        event=services.EarnedEvent(
            user_id=event.user_id,
            source=XpSource.COURSE_COMPLETED,
            source_key=f"course:{event.course_id}",
            item_key=f"course:{event.course_id}",
            occurred_at=event.completed_at,
            course_id=event.course_id,
        )
    )


HANDLERS = {
    LessonCompleted: on_lesson_completed,
    ChallengePassed: on_challenge_passed,
    QuizPassed: on_quiz_passed,
    CourseCompleted: on_course_completed,
}


def subscribe() -> None:
    for event_type, handler in HANDLERS.items():
        bus.subscribe(event_type, f"{__name__}.{handler.__name__}", job=True)
