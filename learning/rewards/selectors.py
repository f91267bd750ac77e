"""Reads of the rewards app, shared by the API and the services. Every one runs a fixed
number of queries, whatever a learner holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from .levels import level_for
from .models import Badge, BadgeAward, XpAward, XpStanding
from .services import learner_day

WINDOWS = {"week": dt.timedelta(days=7), "month": dt.timedelta(days=30), "all": None}
ANONYMOUS_NAME = "A learner"


def public_name(user) -> str:
    """What others see of a learner: the profile's display name, nothing else; nothing
    at all once a moderator took the profile down (docs/moderation.md)."""
    if getattr(user, "profile_taken_down_at", None) is not None:
        return ANONYMOUS_NAME
    return (user.display_name or "").strip() or ANONYMOUS_NAME


@dataclass(frozen=True)
class XpSummary:
    xp: int
    level: int
    level_xp: int
    next_level_xp: int
    progress: float
    streak_current: int
    streak_longest: int
    streak_last_day: dt.date | None
    leaderboard_opt_in: bool


def xp_summary(*, user) -> XpSummary:
    """The learner's XP, level and progress to the next, and daily streaks. The current
    streak is 0 once a whole day (in the learner's time zone) has passed without
    activity."""
    standing = XpStanding.objects.filter(user=user).first() or XpStanding(user=user)
    info = level_for(standing.xp_total)
    current = standing.streak_current
    if standing.streak_last_day is not None:
        today = learner_day(time_zone=user.time_zone, at=timezone.now())
        if standing.streak_last_day < today - dt.timedelta(days=1):
            current = 0
    return XpSummary(
        xp=standing.xp_total,
        level=info.level,
        level_xp=info.level_xp,
        next_level_xp=info.next_level_xp,
        progress=info.progress(standing.xp_total),
        streak_current=current,
        streak_longest=standing.streak_longest,
        streak_last_day=standing.streak_last_day,
        leaderboard_opt_in=standing.leaderboard_opt_in,
    )


def badge_awards_of_user(*, user) -> QuerySet[BadgeAward]:
    return (
        BadgeAward.objects.filter(user=user)
        .select_related("badge", "badge__image")
        .order_by("-awarded_at", "-pk")
    )


def badge_get_public(*, slug: str) -> Badge:
    """An active badge by slug, with how many learners hold it; Http404 otherwise."""
    from django.db.models import Count

    badge = (
        Badge.objects.filter(slug=slug, active=True)
        .select_related("image", "course", "quiz", "module")
        .annotate(holders=Count("awards"))
        .first()
    )
    if badge is None:
        raise Http404("No such badge.")
    return badge


def badge_award_get_public(*, public_id: str) -> BadgeAward:
    award = (
        BadgeAward.objects.filter(public_id=public_id)
        .select_related("badge", "badge__image", "badge__course", "badge__quiz", "badge__module", "user")
        .first()
    )
    if award is None:
        raise Http404("No such badge award.")
    return award


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    name: str
    xp: int
    is_me: bool


def leaderboard(*, user, window: str, course_id: int | None) -> list[LeaderboardRow]:
    """The top learners by XP earned in the window (the last 7 or 30 days, or all
    time), globally or in one course; only learners who opted in are listed. One
    query."""
    awards = XpAward.objects.filter(user__xp_standing__leaderboard_opt_in=True, user__is_active=True)
    span = WINDOWS[window]
    if span is not None:
        awards = awards.filter(awarded_at__gte=timezone.now() - span)
    if course_id is not None:
        awards = awards.filter(course_id=course_id)
    rows = (
        awards.values("user_id", "user__display_name", "user__profile_taken_down_at")
        .annotate(xp=Sum("points"))
        .order_by("-xp", "user_id")[: settings.REWARDS_LEADERBOARD_SIZE]
    )
    out = []
    for index, row in enumerate(rows, start=1):
        name = (row["user__display_name"] or "").strip() or ANONYMOUS_NAME
        if row["user__profile_taken_down_at"] is not None:  # a moderator took the profile down
            name = ANONYMOUS_NAME
        out.append(LeaderboardRow(rank=index, name=name, xp=row["xp"], is_me=row["user_id"] == user.pk))
    return out


def module_challenge_ids(*, module_path: str) -> list[int]:
    """The challenges on the lessons of a module (the "all challenges of a module"
    badge)."""
    from learning.coding.models import Challenge

    return list(Challenge.objects.filter(lesson__path__startswith=module_path).values_list("pk", flat=True))


def challenge_context(*, challenge_id: int) -> tuple[int | None, str | None]:
    """A challenge's course id and its lesson's tree path (None, None if it is gone)."""
    from learning.coding.models import Challenge

    row = Challenge.objects.filter(pk=challenge_id).values_list("course_id", "lesson__path").first()
    return (row[0], row[1]) if row else (None, None)


def course_completions_of_user(*, user):
    from learning.progress.models import CourseCompletion

    return (
        CourseCompletion.objects.filter(user=user).select_related("course").order_by("-completed_at", "-pk")
    )
