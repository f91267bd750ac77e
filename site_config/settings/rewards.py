"""XP levels and the leaderboard (docs/rewards.md)."""

from .env import env

# The XP a learner needs to reach level 2, 3, 4... (level 1 starts at 0). Past the last
# value, every further level needs the last step again.
REWARDS_LEVEL_CURVE = env.list(
    "REWARDS_LEVEL_CURVE", cast=int, default=[100, 250, 500, 1000, 2000, 3500, 5500, 8000, 12000]
)
# Rows of one leaderboard answer (the top N learners who opted in).
REWARDS_LEADERBOARD_SIZE = env.int("REWARDS_LEADERBOARD_SIZE", default=50)
