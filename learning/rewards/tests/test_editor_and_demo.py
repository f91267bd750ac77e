"""XP rules and badges in the Wagtail editor (the admin role edits them, teachers and
students have no access; an edited rule takes effect on the next event, no deploy),
and the demo loader (idempotent)."""

import pytest
from django.test import Client
from django.utils import timezone

from learning.events.types import LessonCompleted
from learning.rewards.models import Badge, BadgeAward, XpAward, XpRule

from .conftest import deliver

pytestmark = pytest.mark.django_db

RULES = "/admin/snippets/rewards/xprule/"
BADGES = "/admin/snippets/rewards/badge/"


def editor(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def badge_form(**over):
    return {
        "name": "Five lessons",
        "slug": "five-lessons",
        "description": "Complete five lessons.",
        "image": "",
        "criteria": "event_count",
        "event_type": "lesson_completed",
        "threshold": "5",
        "course": "",
        "quiz": "",
        "module": "",
        "active": "on",
        **over,
    }


def test_admin_edits_rules_and_badges_and_the_change_applies(
    rules, admin_user, student, course, lessons, django_capture_on_commit_callbacks
):
    client = editor(admin_user)
    assert client.get(RULES).status_code == 200
    assert client.get(BADGES).status_code == 200

    # a badge form missing what its criteria kind needs is refused, with the reason
    refused = client.post(BADGES + "add/", badge_form(event_type="", threshold=""))
    assert refused.status_code == 200
    assert b"Choose the events to count." in refused.content
    assert not Badge.objects.exists()
    created = client.post(BADGES + "add/", badge_form(threshold="1"))
    assert created.status_code == 302, created.content[:2000]
    assert Badge.objects.get(slug="five-lessons").threshold == 1

    rule = XpRule.objects.get(event="lesson_completed")
    form = {"event": "lesson_completed", "points": "33", "per_item_cap": "1", "daily_cap": "", "active": "on",
            "description": "Edited."}  # fmt: skip
    assert client.post(f"{RULES}edit/{rule.pk}/", form).status_code == 302
    deliver(
        LessonCompleted(
            user_id=student.pk, lesson_id=lessons[0].pk, course_id=course.pk, occurred_at=timezone.now()
        ),
        django_capture_on_commit_callbacks,
    )
    assert XpAward.objects.get(user=student).points == 33
    assert BadgeAward.objects.filter(user=student, badge__slug="five-lessons").exists()

    # a badge learners hold cannot be deleted (deactivate it instead)
    badge = Badge.objects.get(slug="five-lessons")
    client.post(f"{BADGES}delete/{badge.pk}/")
    assert Badge.objects.filter(pk=badge.pk).exists()


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_teachers_and_students_have_no_rewards_screens(role, rules, teacher, student):
    client = editor({"teacher": teacher, "student": student}[role])
    rule = XpRule.objects.first()
    for url in (RULES, BADGES, BADGES + "add/", f"{RULES}edit/{rule.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
    assert client.post(f"{RULES}edit/{rule.pk}/", {"event": rule.event, "points": "999"}).status_code == 302
    assert XpRule.objects.get(pk=rule.pk).points != 999


def test_demo_loader_adds_rules_and_badges_once(course, teacher):
    from learning.coding.tests.helpers import challenge_on_first_lesson
    from learning.rewards import demo

    challenge_on_first_lesson(course, "Demo challenge")
    demo.load()
    first = (XpRule.objects.count(), sorted(Badge.objects.values_list("slug", flat=True)))
    XpRule.objects.filter(event="lesson_completed").update(points=1)  # an admin's edit stays
    demo.load()
    assert (XpRule.objects.count(), sorted(Badge.objects.values_list("slug", flat=True))) == first
    assert first[0] == 5
    assert {"first-steps", "three-day-streak", "quiz-ace"} <= set(first[1])
    assert any(slug.endswith("-graduate") for slug in first[1])
    assert any(slug.endswith("-challenger") for slug in first[1])
    assert XpRule.objects.get(event="lesson_completed").points == 1
