"""Rewards: XP and badge evaluation throughput, events per second through the handlers.

Generated learners (200, `bench-xp-N@mrict.local`, made once) each complete every
lesson of the demo course, pass every challenge of it, pass each quiz of it at a
graded percent, and complete the course: the events the rewards handlers hear, in the
order a learner produces them, on three learners' days. The row calls the handlers in
this process against PostgreSQL, one transaction per event, as a qcluster worker runs
each `job=True` handler (the job queue's own cost is not in the number), with the
demo XP rules and badges (and 20 extra event-count badges, so badge evaluation has
work). The learners' rewards rows are cleared before each measured pass. A second
row replays the same events (a re-delivered job): every one must earn nothing.
"""

from __future__ import annotations

import datetime as dt
import time

from scenarios import Context, Scenario

LEARNERS = 200
EMAIL = "bench-xp-{n}@mrict.local"


def _events(ctx: Context) -> list:
    """The events of every bench learner (built once per run)."""
    if "rewards_events" in ctx.data:
        return ctx.data["rewards_events"]
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.models import CoursePage, LessonPage
    from learning.assessments.models import QuizPage
    from learning.coding.models import Challenge
    from learning.events.types import ChallengePassed, CourseCompleted, LessonCompleted, QuizPassed
    from learning.rewards.demo import load as rewards_demo_load
    from learning.rewards.models import Badge

    rewards_demo_load()
    for n in range(20):
        Badge.objects.get_or_create(
            slug=f"bench-lessons-{n}",
            defaults={
                "name": f"Bench {n}",
                "description": "bench",
                "criteria": "event_count",
                "event_type": "lesson_completed",
                "threshold": n + 2,
            },
        )
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__startswith="bench-xp-")}
    missing = [EMAIL.format(n=n) for n in range(LEARNERS) if EMAIL.format(n=n) not in existing]
    User.objects.bulk_create(
        [User(email=e, username=e, display_name=e.split("@")[0], email_verified=True) for e in missing]
    )
    users = list(User.objects.filter(email__startswith="bench-xp-").order_by("pk")[:LEARNERS])
    course = CoursePage.objects.live().filter(slug="web-basics").first() or CoursePage.objects.live().first()
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    challenges = list(Challenge.objects.filter(course=course).order_by("pk").values_list("pk", "lesson_id"))
    quizzes = list(QuizPage.objects.live().descendant_of(course).values_list("pk", flat=True))
    start = timezone.now() - dt.timedelta(days=3)
    events = []
    for i, user in enumerate(users):
        for k, lesson in enumerate(lessons):
            at = start + dt.timedelta(days=k * 3 // max(1, len(lessons)), minutes=k)
            events.append(
                LessonCompleted(user_id=user.pk, lesson_id=lesson.pk, course_id=course.pk, occurred_at=at)
            )
        for k, (challenge_id, lesson_id) in enumerate(challenges):
            sub = 1_000_000 + i * 1000 + k
            events.append(
                ChallengePassed(
                    user_id=user.pk, challenge_id=challenge_id, submission_id=sub, lesson_id=lesson_id
                )
            )
        for k, quiz_id in enumerate(quizzes):
            events.append(
                QuizPassed(
                    user_id=user.pk, quiz_id=quiz_id, course_id=course.pk, attempt_id=1_000_000 + i * 100 + k,
                    grade_percent=60.0 + (i + k) % 41, occurred_at=start + dt.timedelta(days=2),
                )
            )  # fmt: skip
        events.append(
            CourseCompleted(
                user_id=user.pk, course_id=course.pk, completion_id=1_000_000 + i, completed_at=timezone.now()
            )
        )
    ctx.data["rewards_events"] = events
    ctx.data["rewards_users"] = [u.pk for u in users]
    ctx.data["rewards_shape"] = (len(lessons), len(challenges), len(quizzes))
    return events


def _clear(user_ids: list[int]) -> None:
    from learning.rewards.models import ActivityDay, BadgeAward, CountedEvent, XpAward, XpStanding

    for model in (XpAward, BadgeAward, CountedEvent, ActivityDay, XpStanding):
        model.objects.filter(user_id__in=user_ids).delete()


def _drive(events: list, duration: int) -> tuple[list[float], int]:
    from learning.rewards.handlers import HANDLERS

    times = []
    deadline = time.perf_counter() + max(duration, 1) * 6
    for event in events:
        t = time.perf_counter()
        HANDLERS[type(event)](event)
        times.append(time.perf_counter() - t)
        if t > deadline:
            break
    return times, len(times)


def _numbers(times: list[float], note: str) -> dict:
    ordered = sorted(times)
    total = sum(times)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {
        "requests": len(times),
        "seconds": round(total, 3),
        "rps": len(times) / total if total else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": 0,
        "non2xx": 0,
        "note": note,
    }


def evaluate(ctx: Context, duration: int) -> dict:
    from learning.rewards.models import BadgeAward, XpAward

    events = _events(ctx)
    users = ctx.data["rewards_users"]
    _clear(users)
    times, done = _drive(events, duration)
    lessons, challenges, quizzes = ctx.data["rewards_shape"]
    awards = XpAward.objects.filter(user_id__in=users).count()
    badges = BadgeAward.objects.filter(user_id__in=users).count()
    ctx.data["rewards_done"] = done
    return _numbers(
        times,
        f"{done:,} events of {len(users)} learners ({lessons} lessons, {challenges} challenges, "
        f"{quizzes} quizzes, 1 course each): {awards:,} XP awards, {badges:,} badges; "
        f"{len(times) / sum(times):,.0f} events/s",
    )


def replay(ctx: Context, duration: int) -> dict:
    from learning.rewards.models import BadgeAward, XpAward

    events = _events(ctx)
    users = ctx.data["rewards_users"]
    if "rewards_done" not in ctx.data:
        evaluate(ctx, duration)
    done = ctx.data["rewards_done"]
    before = (
        XpAward.objects.filter(user_id__in=users).count(),
        BadgeAward.objects.filter(user_id__in=users).count(),
    )
    times, _ = _drive(events[:done], duration)
    after = (
        XpAward.objects.filter(user_id__in=users).count(),
        BadgeAward.objects.filter(user_id__in=users).count(),
    )
    result = _numbers(times, f"replay of {len(times):,} events: {after[0] - before[0]} new awards, "
                             f"{after[1] - before[1]} new badges (must be 0)")  # fmt: skip
    if after != before:
        result["errors"] = (after[0] - before[0]) + (after[1] - before[1])
    return result


SCENARIOS = [
    Scenario(
        "rewards: XP and badge evaluation, events through the handlers (in process)",
        "/api/v1/ping/",
        runner=evaluate,
        tags=("rewards",),
    ),
    Scenario(
        "rewards: replayed events, earning nothing (in process)",
        "/api/v1/ping/",
        runner=replay,
        tags=("rewards",),
    ),
]
