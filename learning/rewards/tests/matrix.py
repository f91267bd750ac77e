"""Setups for the rewards rows of tests/permission_matrix/rows_rewards.py: a badge that "other"
(another teacher, as a learner) holds, and a live course for the course leaderboard."""

from cms.tests import matrix as cms_matrix


def badge_held_by_other(callers) -> dict:
    from django.utils import timezone

    from learning.rewards.models import Badge, BadgeAward

    badge = Badge.objects.create(
        slug="matrix-badge", name="Matrix", description="d", criteria="event_count",
        event_type="lesson_completed", threshold=1,
    )  # fmt: skip
    award = BadgeAward.objects.create(user=callers["other"], badge=badge, awarded_at=timezone.now())
    return cms_matrix.live_course(callers) | {"badge": badge.slug, "badge_award": award.public_id}
