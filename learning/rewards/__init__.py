"""XP, levels, streaks, badges (this app) and certificates (`learning.rewards.certificates`)."""
