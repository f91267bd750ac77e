from django.apps import AppConfig


class RewardsConfig(AppConfig):
    """XP, levels, streaks, badges and the leaderboard (see docs/rewards.md). Listens to
    the learning events (lesson, challenge, quiz, course) on the domain event bus."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.rewards"
    label = "rewards"
    verbose_name = "XP and badges"

    def ready(self):
        from . import handlers

        handlers.subscribe()
