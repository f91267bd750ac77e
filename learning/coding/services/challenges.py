"""Challenges as authors change them (create, update, delete, import), each change
announced to learners as a ContentPublished of the lesson it is on."""

from __future__ import annotations

from django.utils import timezone

from learning.events import ContentChange, ContentPublished, bus

from ..rules import (
    CHALLENGE_FIELDS,
)


def _challenge_apply(*, challenge, data: dict) -> None:
    from ..models import ChallengeHint, ChallengeTest

    for field in CHALLENGE_FIELDS:
        if field in data:
            setattr(challenge, field, data[field])
    if "lesson" in data:
        challenge.lesson = data["lesson"]
    challenge.save()
    if "tests" in data:
        challenge.tests.all().delete()
        ChallengeTest.objects.bulk_create(
            [
                ChallengeTest(
                    challenge=challenge,
                    sort_order=i,
                    description=t["description"],
                    kind=t.get("kind") or "assert",
                    code=t.get("code") or "",
                    input=t.get("input") or "",
                    expected_output=t.get("expected_output") or "",
                    hidden=bool(t.get("hidden")),
                )
                for i, t in enumerate(data["tests"])
            ]
        )
    if "hints" in data:
        challenge.hints.all().delete()
        ChallengeHint.objects.bulk_create(
            [
                ChallengeHint(challenge=challenge, sort_order=i, text=text)
                for i, text in enumerate(data["hints"])
            ]
        )


def challenge_placements(challenges) -> set[tuple[int, int]]:
    """`(lesson id, course id)` of each challenge, taken before a change that may move
    or delete it (for `challenges_changed_announce`)."""
    return {(c.lesson_id, c.course_id) for c in challenges if c.lesson_id and c.course_id}


def challenges_changed_announce(*, placements: set[tuple[int, int]]) -> None:
    """A challenge is part of what its lesson shows learners: publish ContentPublished
    (change "challenge") for each course, naming its live lessons among `placements`.
    A challenge of a lesson that is not live changes nothing a learner sees, so it
    announces nothing (publishing the lesson later announces the lesson). Delivered
    after commit. Called by the challenge services and by the snippet editor's hooks
    (wagtail_hooks.py), so every path announces exactly once."""
    from cms.models import LessonPage

    lesson_ids = {lesson_id for lesson_id, _ in placements}
    live = set(LessonPage.objects.filter(pk__in=lesson_ids, live=True).values_list("pk", flat=True))
    by_course: dict[int, set[int]] = {}
    for lesson_id, course_id in placements:
        if lesson_id in live:
            by_course.setdefault(course_id, set()).add(lesson_id)
    now = timezone.now()
    for course_id, ids in by_course.items():
        bus.publish(
            ContentPublished(
                course_id=course_id,
                page_ids=sorted(ids),
                change=ContentChange.CHALLENGE.value,
                occurred_at=now,
            )
        )


def challenge_create(*, user, data: dict, announce: bool = True):
    """`data` is validated by ChallengeWriteSerializer; `data["lesson"]` is a lesson of
    a course the user may edit (checked by the serializer through the selector)."""
    from django.db import transaction

    from ..models import Challenge

    with transaction.atomic():
        challenge = Challenge(created_by=user)
        _challenge_apply(challenge=challenge, data=data)
        if announce:
            challenges_changed_announce(placements=challenge_placements([challenge]))
    return challenge


def challenge_update(*, user, challenge, data: dict, announce: bool = True):
    from django.db import transaction

    with transaction.atomic():
        before = challenge_placements([challenge])
        _challenge_apply(challenge=challenge, data=data)
        if announce:
            challenges_changed_announce(placements=before | challenge_placements([challenge]))
    return challenge


def challenge_delete(*, user, challenge) -> None:
    from django.db import transaction

    with transaction.atomic():
        before = challenge_placements([challenge])
        challenge.delete()
        challenges_changed_announce(placements=before)


def challenge_import(*, user, items, lesson=None, prefix: str = "challenges") -> list:
    """Import a document of challenges (importing.py): each reference solution must pass
    all its tests in the sandbox; then created or updated by (lesson, slug), all or
    nothing. Returns ImportedChallenge rows (challenge, created, warnings)."""
    from .. import importing

    return importing.challenge_import(user=user, items=items, lesson=lesson, prefix=prefix)
