"""XP from the learning events: the ledger, replays, caps, levels, streaks in the
learner's time zone, through the real progress, quiz and challenge APIs and the real
event bus; what rewards publishes; the learner's endpoints."""

import datetime as dt
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.events.types import ChallengePassed, LessonCompleted, QuizPassed
from learning.rewards.levels import level_for
from learning.rewards.models import Badge, BadgeAward, XpAward, XpRule, XpStanding

from .conftest import deliver, progress_event

pytestmark = pytest.mark.django_db


def post_progress(client, events, capture):
    with capture(execute=True):
        response = client.post("/api/v1/progress/events/", events, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_completing_a_course_earns_xp_level_badges_and_shows_in_achievements(
    rules, learner, lessons, course, student, published, django_capture_on_commit_callbacks
):
    Badge.objects.create(
        slug="first-steps", name="First steps", description="d", criteria="event_count",
        event_type="lesson_completed", threshold=1,
    )  # fmt: skip
    Badge.objects.create(
        slug="graduate", name="Graduate", description="d", criteria="course_completed", course=course
    )
    batch = [progress_event(lesson.pk) for lesson in lessons]
    post_progress(learner, batch, django_capture_on_commit_callbacks)

    # 4 lessons x 10 + the course 200 (one streak day: no streak-day XP yet)
    ledger = list(XpAward.objects.filter(user=student).order_by("pk").values_list("source", "points"))
    assert sorted(ledger) == sorted([("lesson_completed", 10)] * 4 + [("course_completed", 200)])
    assert [type(e).__name__ for e in published].count("XpAwarded") == 5
    assert [(e.level) for e in published if type(e).__name__ == "LevelReached"] == [2]
    assert sorted(e.badge_slug for e in published if type(e).__name__ == "BadgeAwarded") == [
        "first-steps",
        "graduate",
    ]

    summary = learner.get("/api/v1/me/xp/").json()
    assert summary == {
        "xp": 240,
        "level": 2,
        "level_xp": 100,
        "next_level_xp": 250,
        "progress": round(140 / 150, 4),
        "streak": {"current": 1, "longest": 1, "last_active_day": timezone.now().date().isoformat()},
        "leaderboard_opt_in": False,
    }
    achievements = learner.get("/api/v1/me/achievements/").json()
    assert achievements["xp"]["xp"] == 240
    assert {b["badge"]["slug"] for b in achievements["badges"]} == {"first-steps", "graduate"}
    assert [(c["course_id"], c["course_title"]) for c in achievements["completions"]] == [
        (course.pk, "Web basics")
    ]
    # the certificate the course completion issued (learning/rewards/certificates), read-only
    [certificate] = achievements["certificates"]
    assert (certificate["course"], certificate["issue_status"]) == (course.pk, "issued")

    # Replays: the same batch again (the client retries), then the same domain events
    # published again (a re-delivered job), change nothing and publish nothing.
    published.clear()
    post_progress(learner, batch, django_capture_on_commit_callbacks)
    for lesson in lessons:
        deliver(
            LessonCompleted(
                user_id=student.pk, lesson_id=lesson.pk, course_id=course.pk, occurred_at=timezone.now()
            ),
            django_capture_on_commit_callbacks,
        )
    assert XpAward.objects.filter(user=student).count() == 5
    assert XpStanding.objects.get(user=student).xp_total == 240
    assert BadgeAward.objects.filter(user=student).count() == 2
    assert published == []


def test_the_ledger_refuses_a_second_award_for_the_same_source_event(rules, student):
    rule = XpRule.objects.get(event="lesson_completed")
    fields = dict(
        user=student, rule=rule, source="lesson_completed", source_key="lesson:1", item_key="lesson:1",
        points=10, day=dt.date(2026, 1, 1), awarded_at=timezone.now(),
    )  # fmt: skip
    award = XpAward.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        XpAward.objects.create(**fields)
    with pytest.raises(ValueError, match="append-only"):
        award.save()


def test_challenge_xp_is_first_time_only_and_per_day_caps_hold(
    rules, student, course, lessons, django_capture_on_commit_callbacks
):
    XpRule.objects.filter(event="lesson_completed").update(points=10, daily_cap=25)
    for lesson in lessons:  # 10 + 10 + 5 (capped) + 0
        deliver(
            LessonCompleted(
                user_id=student.pk, lesson_id=lesson.pk, course_id=course.pk, occurred_at=timezone.now()
            ),
            django_capture_on_commit_callbacks,
        )
    assert list(
        XpAward.objects.filter(source="lesson_completed").order_by("pk").values_list("points", flat=True)
    ) == [10, 10, 5]

    from learning.coding.tests.helpers import challenge_on_first_lesson

    challenge = challenge_on_first_lesson(course, "Three")
    for submission_id in (101, 102, 102):  # a later pass of the same challenge, and a replay
        deliver(
            ChallengePassed(user_id=student.pk, challenge_id=challenge.pk, submission_id=submission_id),
            django_capture_on_commit_callbacks,
        )
    awards = XpAward.objects.filter(source="challenge_passed")
    assert list(awards.values_list("points", "source_key", "course_id")) == [
        (25, "submission:101", course.pk)
    ]


def test_quiz_xp_is_scaled_by_the_grade(
    rules, student, teacher, admin_user, course, learner, django_capture_on_commit_callbacks
):
    from learning.assessments.tests.helpers import answers_right, live_quiz, make_question

    questions = [make_question(user=teacher, course=course, title=f"Q{i}") for i in range(4)]
    quiz = live_quiz(teacher=teacher, admin=admin_user, course=course, questions=questions, pass_mark=50)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = learner.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
        right = answers_right(attempt, {})
        wrong_last = right[:3]  # 3 of 4 answered: 75%
        assert (
            learner.put(
                f"/api/v1/attempts/{attempt['id']}/answers/", {"answers": wrong_last}, format="json"
            ).status_code
            == 200
        )
        assert learner.post(f"/api/v1/attempts/{attempt['id']}/submit/", {}, format="json").status_code == 200
    award = XpAward.objects.get(user=student, source="quiz_passed")
    assert (award.points, award.item_key, award.course_id) == (round(50 * 0.75), f"quiz:{quiz.pk}", course.pk)
    # A second pass of the same quiz (another attempt) earns nothing: one quiz, one award.
    deliver(
        QuizPassed(
            user_id=student.pk, quiz_id=quiz.pk, course_id=course.pk, attempt_id=attempt["id"] + 1000,
            grade_percent=100.0, occurred_at=timezone.now(),
        ),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert XpAward.objects.filter(user=student, source="quiz_passed").count() == 1


def test_streaks_count_days_in_the_learners_time_zone(
    rules, student, course, lessons, auth_client, django_capture_on_commit_callbacks
):
    student.time_zone = "Pacific/Auckland"  # UTC+13 in December
    student.save()
    zone = zoneinfo.ZoneInfo("Pacific/Auckland")
    Badge.objects.create(slug="three", name="Three", description="d", criteria="streak_length", threshold=3)

    def complete(lesson, local):
        deliver(
            LessonCompleted(
                user_id=student.pk, lesson_id=lesson.pk, course_id=course.pk,
                occurred_at=local.replace(tzinfo=zone).astimezone(dt.UTC),
            ),
            django_capture_on_commit_callbacks,
        )  # fmt: skip

    # Day 1 23:30 and day 2 00:30 in Auckland (a few weeks ago): two local days, 1 h apart.
    day1 = (timezone.now().astimezone(zone) - dt.timedelta(days=30)).date()

    def local(days, hour, minute=0):
        d = day1 + dt.timedelta(days=days)
        return dt.datetime(d.year, d.month, d.day, hour, minute)

    complete(lessons[0], local(0, 23, 30))
    complete(lessons[1], local(1, 0, 30))
    standing = XpStanding.objects.get(user=student)
    assert (standing.streak_current, standing.streak_last_day) == (2, local(1, 0).date())
    # Day 4: the run is broken; then day 3 arrives late (an offline client) and joins them.
    complete(lessons[2], local(3, 9))
    standing.refresh_from_db()
    assert (standing.streak_current, standing.streak_longest) == (1, 2)
    assert not BadgeAward.objects.filter(user=student).exists()
    complete(lessons[3], local(2, 9))
    standing.refresh_from_db()
    assert (standing.streak_current, standing.streak_longest) == (4, 4)
    assert BadgeAward.objects.filter(user=student, badge__slug="three").count() == 1
    # streak-day XP for a day that was part of a run when it arrived: day 2, and day 3
    # (which joined 2 and 4); days 1 and 4 were alone when they came (docs/rewards.md).
    days = XpAward.objects.filter(user=student, source="streak_day").values_list("source_key", flat=True)
    assert sorted(days) == [f"day:{local(1, 0).date()}", f"day:{local(2, 0).date()}"]

    # Read weeks later: the current streak is over, the longest stays.
    streak = auth_client(student).get("/api/v1/me/xp/").json()["streak"]
    assert streak == {"current": 0, "longest": 4, "last_active_day": local(3, 0).date().isoformat()}


@pytest.mark.parametrize(
    ("xp", "expected"),
    [(0, (1, 0, 100)), (99, (1, 0, 100)), (100, (2, 100, 250)), (11999, (9, 8000, 12000)),
     (12000, (10, 12000, 16000)), (20000, (12, 20000, 24000))],
)  # fmt: skip
def test_levels_follow_the_configured_curve(xp, expected, settings):
    info = level_for(xp)
    assert (info.level, info.level_xp, info.next_level_xp) == expected
    settings.REWARDS_LEVEL_CURVE = [10, 30]
    assert (level_for(45).level, level_for(55).level) == (3, 4)
