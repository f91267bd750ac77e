"""The rewards use cases: turn one learning event into XP, streak days and badges, and
the learner's leaderboard choice. The only place that writes the rewards tables.

`event_apply` does everything one event earns in one transaction, under a row lock on
the learner's `XpStanding` (so the per-day and per-item caps are counted without a
race between two job workers handling the same learner's events); every "once" is also
a unique constraint, so a replayed or duplicated event earns nothing the second time
even if it arrives through another path. The events this app publishes (XpAwarded,
LevelReached, BadgeAwarded) leave after commit.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from learning.events import bus
from learning.events.types import BadgeAwarded, LevelReached, XpAwarded

from .levels import level_for
from .models import (
    ActivityDay,
    Badge,
    BadgeAward,
    BadgeCriteria,
    CountedEvent,
    XpAward,
    XpRule,
    XpSource,
    XpStanding,
)


@dataclass(frozen=True)
class EarnedEvent:
    """One learning event, as rewards sees it. `source_key`: the event's identity (the
    ledger's idempotency key with `source`); `item_key`: the item the per-item cap and
    the badge counts count; `scale`: the share of the rule's points (a quiz's grade)."""

    user_id: int
    source: str
    source_key: str
    item_key: str
    occurred_at: dt.datetime
    course_id: int | None = None
    scale: float = 1.0
    quiz_id: int | None = None
    grade_percent: float | None = None
    lesson_path: str | None = None


@dataclass
class Outcome:
    awards: list[XpAward] = field(default_factory=list)
    badges: list[BadgeAward] = field(default_factory=list)
    level: int | None = None  # the new level, if one was reached


def learner_day(*, time_zone: str, at: dt.datetime) -> dt.date:
    try:
        zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return at.astimezone(zone).date()


def _standing_locked(user_id: int) -> tuple[XpStanding, str]:
    """The learner's standing row, locked for this transaction, and their time zone."""
    standing = (
        XpStanding.objects.select_for_update(of=("self",))
        .select_related("user")
        .only("user__time_zone", *[f.name for f in XpStanding._meta.concrete_fields])
        .filter(user_id=user_id)
        .first()
    )
    if standing is None:
        XpStanding.objects.bulk_create([XpStanding(user_id=user_id)], ignore_conflicts=True)
        standing = (
            XpStanding.objects.select_for_update(of=("self",)).select_related("user").get(user_id=user_id)
        )
    return standing, standing.user.time_zone or "UTC"


def event_apply(*, event: EarnedEvent) -> Outcome:
    """Record what `event` earns: the activity day (and the streak it extends, and the
    streak-day XP), the fact badges count, the event's XP (capped), the level it
    reaches, and the badges it completes. Idempotent: applying the same event again
    changes nothing."""
    outcome = Outcome()
    with transaction.atomic():
        standing, time_zone = _standing_locked(event.user_id)
        day = learner_day(time_zone=time_zone, at=event.occurred_at)
        level_before = standing.level
        rules = {rule.event: rule for rule in XpRule.objects.filter(active=True)}

        if _activity_day_add(user_id=event.user_id, day=day):
            extends = _streak_update(standing, day)
            if extends:
                award = _xp_append(
                    rule=rules.get(XpSource.STREAK_DAY),
                    user_id=event.user_id,
                    source=XpSource.STREAK_DAY,
                    source_key=f"day:{day.isoformat()}",
                    item_key=f"day:{day.isoformat()}",
                    points_wanted=None,
                    course_id=None,
                    day=day,
                    at=event.occurred_at,
                )
                if award:
                    outcome.awards.append(award)
        _counted_add(event)
        award = _xp_append(
            rule=rules.get(event.source),
            user_id=event.user_id,
            source=event.source,
            source_key=event.source_key,
            item_key=event.item_key,
            points_wanted=None if event.scale == 1.0 else event.scale,
            course_id=event.course_id,
            day=day,
            at=event.occurred_at,
        )
        if award:
            outcome.awards.append(award)

        if outcome.awards:
            standing.xp_total += sum(a.points for a in outcome.awards)
            standing.level = level_for(standing.xp_total).level
        standing.save()
        if standing.level > level_before:
            outcome.level = standing.level

        outcome.badges = _badges_issue(event=event, standing=standing)

        for award in outcome.awards:
            bus.publish(
                XpAwarded(
                    user_id=event.user_id,
                    award_id=award.pk,
                    points=award.points,
                    source=award.source,
                    occurred_at=award.awarded_at,
                )
            )
        if outcome.level is not None:
            bus.publish(
                LevelReached(user_id=event.user_id, level=outcome.level, occurred_at=event.occurred_at)
            )
        for badge_award in outcome.badges:
            bus.publish(
                BadgeAwarded(
                    user_id=event.user_id,
                    badge_id=badge_award.badge_id,
                    badge_slug=badge_award.badge.slug,
                    award_id=badge_award.pk,
                    occurred_at=badge_award.awarded_at,
                )
            )
    return outcome


def _activity_day_add(*, user_id: int, day: dt.date) -> bool:
    """True if `day` was not an active day of the learner yet. Decided under the
    standing lock; the unique constraint stays the last word (a conflicting insert
    is skipped by the database)."""
    if ActivityDay.objects.filter(user_id=user_id, day=day).exists():
        return False
    ActivityDay.objects.bulk_create([ActivityDay(user_id=user_id, day=day)], ignore_conflicts=True)
    return True


def _streak_update(standing: XpStanding, day: dt.date) -> bool:
    """Fold a new active day into the streaks; True if the day is part of a run of two
    or more days in a row (it earns the streak-day XP). A day older than the last
    active one (an offline client syncing late) can join two runs, so runs are counted
    from the active days rather than incremented."""
    since = min(day, standing.streak_last_day or day) - dt.timedelta(days=3660)
    days = set(
        ActivityDay.objects.filter(user_id=standing.user_id, day__gte=since).values_list("day", flat=True)
    )
    days.add(day)

    def run_back(d: dt.date) -> int:
        run = 0
        while d - dt.timedelta(days=run) in days:
            run += 1
        return run

    if standing.streak_last_day is None or day > standing.streak_last_day:
        standing.streak_last_day = day
    through = run_back(day)
    ahead = 1
    while day + dt.timedelta(days=ahead) in days:
        ahead += 1
    through += ahead - 1
    standing.streak_current = run_back(standing.streak_last_day)
    standing.streak_longest = max(standing.streak_longest, standing.streak_current, through)
    return through >= 2


def _counted_add(event: EarnedEvent) -> None:
    """One row per learner, event and item: INSERT ... ON CONFLICT DO NOTHING."""
    CountedEvent.objects.bulk_create(
        [
            CountedEvent(
                user_id=event.user_id,
                event=event.source,
                item_key=event.item_key,
                occurred_at=event.occurred_at,
            )
        ],
        ignore_conflicts=True,
    )


def _xp_append(
    *,
    rule: XpRule | None,
    user_id: int,
    source: str,
    source_key: str,
    item_key: str,
    points_wanted: float | None,
    course_id: int | None,
    day: dt.date,
    at: dt.datetime,
) -> XpAward | None:
    """Append one award for (source, source_key), within the rule's caps; None if the
    rule is off, the source event already earned, or a cap is reached."""
    if rule is None:
        return None
    points = rule.points if points_wanted is None else round(rule.points * max(0.0, min(1.0, points_wanted)))
    seen = XpAward.objects.filter(user_id=user_id, source=source).aggregate(
        replays=Count("pk", filter=Q(source_key=source_key)),
        of_item=Count("pk", filter=Q(item_key=item_key)),
        today=Sum("points", filter=Q(day=day)),
    )
    if seen["replays"]:
        return None  # a replay
    if seen["of_item"] >= rule.per_item_cap:
        return None
    if rule.daily_cap is not None:
        points = min(points, max(0, rule.daily_cap - (seen["today"] or 0)))
    if points <= 0:
        return None
    try:
        with transaction.atomic():
            return XpAward.objects.create(
                user_id=user_id,
                rule=rule,
                source=source,
                source_key=source_key,
                item_key=item_key,
                points=points,
                course_id=course_id,
                day=day,
                awarded_at=at,
            )
    except IntegrityError:
        return None  # the same source event, awarded by a racing handler


def _badges_issue(*, event: EarnedEvent, standing: XpStanding) -> list[BadgeAward]:
    """Issue every active badge the learner does not hold yet and now meets."""
    candidates = list(
        Badge.objects.filter(active=True).exclude(awards__user_id=event.user_id).select_related("module")
    )
    counts: dict[str, int] = {}
    issued = []
    for badge in candidates:
        if not _badge_met(badge, event=event, standing=standing, counts=counts):
            continue
        try:
            with transaction.atomic():
                award = BadgeAward.objects.create(
                    user_id=event.user_id, badge=badge, awarded_at=event.occurred_at, source=event.source
                )
        except IntegrityError:
            continue  # a racing handler issued it: one award
        issued.append(award)
    return issued


def _badge_met(badge: Badge, *, event: EarnedEvent, standing: XpStanding, counts: dict[str, int]) -> bool:
    kind = badge.criteria
    if kind == BadgeCriteria.EVENT_COUNT:
        if badge.event_type not in counts:
            counts[badge.event_type] = CountedEvent.objects.filter(
                user_id=event.user_id, event=badge.event_type
            ).count()
        return counts[badge.event_type] >= (badge.threshold or 1)
    if kind == BadgeCriteria.STREAK_LENGTH:
        return standing.streak_longest >= (badge.threshold or 1)
    if kind == BadgeCriteria.COURSE_COMPLETED:
        return event.source == XpSource.COURSE_COMPLETED and badge.course_id in (None, event.course_id)
    if kind == BadgeCriteria.QUIZ_SCORE:
        return (
            event.source == XpSource.QUIZ_PASSED
            and badge.quiz_id in (None, event.quiz_id)
            and (event.grade_percent or 0) >= (badge.threshold or 0)
        )
    if kind == BadgeCriteria.MODULE_CHALLENGES:
        module = badge.module
        if event.source != XpSource.CHALLENGE_PASSED or module is None or not event.lesson_path:
            return False
        if not event.lesson_path.startswith(module.path):
            return False
        from .selectors import module_challenge_ids

        wanted = {f"challenge:{pk}" for pk in module_challenge_ids(module_path=module.path)}
        if not wanted:
            return False
        passed = CountedEvent.objects.filter(
            user_id=event.user_id, event=XpSource.CHALLENGE_PASSED, item_key__in=wanted
        ).count()
        return passed >= len(wanted)
    return False


def leaderboard_opt_in_set(*, user, opt_in: bool) -> XpStanding:
    """The learner's choice to appear on leaderboards (off by default)."""
    with transaction.atomic():
        XpStanding.objects.get_or_create(user=user)
        standing = XpStanding.objects.select_for_update().get(user=user)
        standing.leaderboard_opt_in = opt_in
        standing.save(update_fields=["leaderboard_opt_in", "updated_at"])
    return standing
