"""Permission-matrix rows of rewards (learning/rewards): XP, badges, achievements and the
leaderboards. Setups: learning/rewards/tests/matrix.py."""

from learning.rewards.tests import matrix as rewards_matrix
from tests.permission_matrix.core import Row, everyone, signed_in

_BADGE = rewards_matrix.badge_held_by_other

ROWS: list[Row] = [
    # --- rewards (learning/rewards/tests/matrix.py; "other" holds {badge}; the badge pages are
    # public, the rest is the caller's own) ---
    Row("GET", "/api/v1/me/xp/", signed_in(200)),
    Row("GET", "/api/v1/me/badges/", signed_in(200)),
    Row("GET", "/api/v1/me/achievements/", signed_in(200)),
    Row("POST", "/api/v1/me/achievements/", signed_in(405)),
    Row("GET", "/api/v1/me/leaderboard/", signed_in(200)),
    Row("PUT", "/api/v1/me/leaderboard/", signed_in(200), {"opt_in": True}),
    Row("PUT", "/api/v1/me/leaderboard/", signed_in(400), {"opt_in": "x"}, note="bad body"),
    Row("GET", "/api/v1/leaderboard/?window=month", signed_in(200)),
    Row("GET", "/api/v1/leaderboard/?course={live}", signed_in(200), setup=_BADGE),
    Row("GET", "/api/v1/badges/{badge}/", everyone(200), setup=_BADGE),
    Row("DELETE", "/api/v1/badges/{badge}/", everyone(405), setup=_BADGE),
    Row("GET", "/api/v1/badge-awards/{badge_award}/", everyone(200), setup=_BADGE),
    Row("GET", "/api/v1/badges/no-such-badge/", everyone(404)),
]
