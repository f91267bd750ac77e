"""Badges (each criteria kind, issued once, also under racing handlers), the public
badge pages (nothing of the holder but the display name), the leaderboard (opt-in,
windows, per course, constant queries) and bad input."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.events.types import ChallengePassed, CourseCompleted, LessonCompleted, QuizPassed
from learning.rewards import handlers
from learning.rewards.models import Badge, BadgeAward, XpAward, XpStanding

from .conftest import deliver

pytestmark = pytest.mark.django_db


def lesson_done(user, lesson, course, at=None):
    return LessonCompleted(
        user_id=user.pk, lesson_id=lesson.pk, course_id=course.pk, occurred_at=at or timezone.now()
    )


def test_each_criteria_kind_issues_its_badge_once(
    rules, student, course, lessons, auth_client, published, django_capture_on_commit_callbacks
):
    from cms.models import ModulePage
    from learning.coding.models import Challenge

    module = ModulePage.objects.child_of(course).order_by("path").first()
    first, second = [lesson for lesson in lessons if lesson.path.startswith(module.path)]
    challenges = [
        Challenge.objects.create(lesson=first, title="A", prompt="p"),
        Challenge.objects.create(lesson=second, title="B", prompt="p"),
    ]
    elsewhere = Challenge.objects.create(lesson=lessons[-1], title="C", prompt="p")
    make = Badge.objects.create
    make(slug="two-lessons", name="2", description="d", criteria="event_count", event_type="lesson_completed",
         threshold=2)  # fmt: skip
    make(slug="module", name="M", description="d", criteria="module_challenges", module=module)
    make(slug="ace", name="A", description="d", criteria="quiz_score", threshold=90)
    make(slug="grad", name="G", description="d", criteria="course_completed", course=course)
    make(slug="any-grad", name="AG", description="d", criteria="course_completed")
    make(slug="off", name="O", description="d", criteria="event_count", event_type="lesson_completed",
         threshold=1, active=False)  # fmt: skip

    def send(event):
        deliver(event, django_capture_on_commit_callbacks)

    def held():
        return sorted(BadgeAward.objects.filter(user=student).values_list("badge__slug", flat=True))

    send(lesson_done(student, lessons[0], course))
    assert held() == []
    send(lesson_done(student, lessons[1], course))
    assert held() == ["two-lessons"]
    send(ChallengePassed(user_id=student.pk, challenge_id=challenges[0].pk, submission_id=1))
    send(ChallengePassed(user_id=student.pk, challenge_id=elsewhere.pk, submission_id=2))
    assert "module" not in held()
    send(ChallengePassed(user_id=student.pk, challenge_id=challenges[1].pk, submission_id=3))
    assert "module" in held()
    quiz = dict(user_id=student.pk, course_id=course.pk, occurred_at=timezone.now())
    send(QuizPassed(quiz_id=1, attempt_id=1, grade_percent=89.5, **quiz))
    assert "ace" not in held()
    send(QuizPassed(quiz_id=2, attempt_id=2, grade_percent=90.0, **quiz))
    assert "ace" in held()
    done = dict(user_id=student.pk, completion_id=1, completed_at=timezone.now())
    send(CourseCompleted(course_id=course.pk, **done))
    assert held() == ["ace", "any-grad", "grad", "module", "two-lessons"]
    # everything again: no second award, no second event
    before = len(published)
    send(lesson_done(student, lessons[2], course))
    send(CourseCompleted(course_id=course.pk, **done))
    send(QuizPassed(quiz_id=2, attempt_id=3, grade_percent=100.0, **quiz))
    assert BadgeAward.objects.filter(user=student).count() == 5
    assert [e for e in published[before:] if e.name == "badge_awarded"] == []
    awarded = [e for e in published if e.name == "badge_awarded"]
    assert len(awarded) == 5 and {e.user_id for e in awarded} == {student.pk}

    mine = auth_client(student).get("/api/v1/me/badges/").json()
    assert mine["count"] == 5
    assert {r["badge"]["slug"] for r in mine["results"]} == set(held())


@pytest.mark.django_db(transaction=True)
def test_racing_handlers_award_xp_and_a_badge_once(rules, build_course, student):
    from cms.selectors import published_lessons_of_course

    course = build_course(modules=1, lessons_per_module=1, title="Race")
    lesson = published_lessons_of_course(course).first()
    Badge.objects.create(
        slug="first",
        name="F",
        description="d",
        criteria="event_count",
        event_type="lesson_completed",
        threshold=1,
    )
    event = lesson_done(student, lesson, course)
    rounds = 3 if connection.vendor == "postgresql" else 1
    for _ in range(rounds):
        XpAward.objects.all().delete()
        BadgeAward.objects.all().delete()
        XpStanding.objects.all().delete()
        from learning.rewards.models import ActivityDay, CountedEvent

        ActivityDay.objects.all().delete()
        CountedEvent.objects.all().delete()
        barrier = threading.Barrier(3)
        errors = []

        def handle(barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                handlers.on_lesson_completed(event)  # what each job worker runs
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=handle) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert list(XpAward.objects.values_list("source", "points")) == [("lesson_completed", 10)]
        assert BadgeAward.objects.filter(user=student).count() == 1
        assert XpStanding.objects.get(user=student).xp_total == 10


def test_public_badge_pages_show_the_badge_and_the_display_name_only(
    rules, student, course, lessons, api_client, django_capture_on_commit_callbacks
):
    student.display_name = "Ada L."
    student.bio = "private-ish bio"
    student.save()
    Badge.objects.create(
        slug="first", name="First steps", description="Complete a lesson.", criteria="event_count",
        event_type="lesson_completed", threshold=1,
    )  # fmt: skip
    deliver(lesson_done(student, lessons[0], course), django_capture_on_commit_callbacks)
    award = BadgeAward.objects.get(user=student)

    badge = api_client.get("/api/v1/badges/first/").json()
    assert badge == {
        "slug": "first",
        "name": "First steps",
        "description": "Complete a lesson.",
        "criteria": "event_count",
        "criteria_text": "1 lessons completed.",
        "image": None,
        "holders": 1,
    }
    page = api_client.get(f"/api/v1/badge-awards/{award.public_id}/")
    assert page.status_code == 200
    body = page.json()
    assert body["holder_name"] == "Ada L." and body["badge"]["slug"] == "first"
    assert set(body) == {"badge", "holder_name", "awarded_at"}
    text = page.content.decode()
    assert student.email not in text and "private-ish" not in text and f'"{student.pk}"' not in text

    assert_error(api_client.get("/api/v1/badge-awards/0123456789abcdef0123456789abcdef/"), 404)
    assert_error(api_client.get(f"/api/v1/badge-awards/{award.pk}/"), 404)  # not by its row id
    Badge.objects.filter(slug="first").update(active=False)
    assert_error(api_client.get("/api/v1/badges/first/"), 404)


def test_leaderboard_lists_opted_in_learners_by_window_and_course(
    rules, course, lessons, build_course, auth_client, student, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from cms.selectors import published_lessons_of_course

    other_course = build_course(modules=1, lessons_per_module=2, title="Other")
    other_lessons = list(published_lessons_of_course(other_course))
    learners = [student] + [UserFactory(email=f"l{i}@example.test", display_name=f"L{i}") for i in (1, 2, 3)]
    student.display_name = "Me"
    student.save()
    long_ago = timezone.now() - dt.timedelta(days=45)
    plan = {  # learner -> [(lesson, course, when)]
        0: [(lessons[0], course, None)],
        1: [(lessons[0], course, None), (lessons[1], course, None), (other_lessons[0], other_course, None)],
        2: [(lessons[0], course, long_ago), (lessons[1], course, long_ago), (lessons[2], course, long_ago)],
        3: [(other_lessons[0], other_course, None), (other_lessons[1], other_course, None)],
    }
    for index, items in plan.items():
        for lesson, in_course, when in items:
            deliver(lesson_done(learners[index], lesson, in_course, when), django_capture_on_commit_callbacks)
    me = auth_client(student)
    board = me.get("/api/v1/leaderboard/?window=all").json()
    assert board == {"window": "all", "course": None, "opted_in": False, "rows": []}  # nobody opted in

    for user in learners[1:]:
        assert auth_client(user).put("/api/v1/me/leaderboard/", {"opt_in": True}, format="json").json() == {
            "opt_in": True
        }
    rows = me.get("/api/v1/leaderboard/?window=all").json()["rows"]
    # 10 XP a lesson; all on one day each, so no streak-day XP; ties by user id
    assert [(r["name"], r["xp"]) for r in rows] == [("L1", 30), ("L2", 30), ("L3", 20)]
    week = me.get("/api/v1/leaderboard/?window=week").json()["rows"]
    assert [(r["name"], r["xp"]) for r in week] == [("L1", 30), ("L3", 20)]  # L2's XP is 45 days old
    in_course = me.get(f"/api/v1/leaderboard/?window=month&course={course.pk}").json()
    assert [(r["name"], r["xp"]) for r in in_course["rows"]] == [("L1", 20)]
    assert in_course["course"] == course.pk

    assert me.put("/api/v1/me/leaderboard/", {"opt_in": True}, format="json").status_code == 200
    board = me.get("/api/v1/leaderboard/?window=all").json()
    assert board["opted_in"] is True
    assert [(r["name"], r["is_me"]) for r in board["rows"]][-1] == ("Me", True)
    assert me.get("/api/v1/me/leaderboard/").json() == {"opt_in": True}
    assert me.put("/api/v1/me/leaderboard/", {"opt_in": False}, format="json").json() == {"opt_in": False}
    assert "Me" not in [r["name"] for r in me.get("/api/v1/leaderboard/?window=all").json()["rows"]]

    # constant queries, whatever the board holds
    with django_assert_max_num_queries(6):
        assert len(me.get("/api/v1/leaderboard/?window=all").json()["rows"]) == 3
    for i in range(4, 10):
        extra = UserFactory(email=f"l{i}@example.test", display_name=f"L{i}")
        deliver(lesson_done(extra, lessons[0], course), django_capture_on_commit_callbacks)
        XpStanding.objects.filter(user=extra).update(leaderboard_opt_in=True)
    with django_assert_max_num_queries(6):
        assert len(me.get(f"/api/v1/leaderboard/?window=week&course={course.pk}").json()["rows"]) == 7


def test_my_lists_run_constant_queries(
    rules,
    student,
    course,
    lessons,
    auth_client,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = auth_client(student)
    for i in range(4):
        Badge.objects.create(
            slug=f"b{i}", name=f"B{i}", description="d", criteria="event_count",
            event_type="lesson_completed", threshold=i + 1,
        )  # fmt: skip
    deliver(lesson_done(student, lessons[0], course), django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(8) as one:
        assert client.get("/api/v1/me/achievements/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/me/badges/").json()["count"] == 1
    for lesson in lessons[1:]:
        deliver(lesson_done(student, lesson, course), django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/me/achievements/").json()["badges"]) == 4
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/me/badges/").json()["count"] == 4


def test_bad_input_is_a_4xx_in_the_error_shape(rules, student, auth_client, course, teacher, build_course):
    client = auth_client(student)
    assert_error(client.get("/api/v1/leaderboard/?window=year"), 400, attr="window")
    assert_error(client.get("/api/v1/leaderboard/?course=abc"), 400, attr="course")
    assert_error(client.get("/api/v1/leaderboard/?course=99999999"), 404)
    draft = build_course(title="Draft", publish=False)
    assert_error(client.get(f"/api/v1/leaderboard/?course={draft.pk}"), 404)
    assert_error(client.get("/api/v1/leaderboard/?window=all&mine=1"), 400)
    assert_error(
        client.put("/api/v1/me/leaderboard/", {"opt_in": "maybe"}, format="json"), 400, attr="opt_in"
    )
    assert_error(client.put("/api/v1/me/leaderboard/", {}, format="json"), 400, attr="opt_in")
    assert_error(client.put("/api/v1/me/leaderboard/", {"opt_in": True, "public": 1}, format="json"), 400)
    assert not XpStanding.objects.filter(user=student, leaderboard_opt_in=True).exists()
    assert_error(client.put("/api/v1/me/leaderboard/", "[1,", content_type="application/json"), 400)
    assert_error(auth_client(None).get("/api/v1/badges/no-such-badge/"), 404)
