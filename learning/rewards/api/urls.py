from django.urls import path, register_converter

from . import views


class AwardKeyConverter:
    """`<award_key:award>`: a badge award's public id (32 hex digits); anything else is
    not this route (404)."""

    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class BadgeSlugConverter:
    """`<badge_slug:slug>`: a badge's slug (letters, digits, `-`, `_`; at most 80)."""

    regex = "[-a-zA-Z0-9_]{1,80}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(AwardKeyConverter, "award_key")
register_converter(BadgeSlugConverter, "badge_slug")

urlpatterns = [
    path("me/xp/", views.MyXpView.as_view(), name="rewards-my-xp"),
    path("me/badges/", views.MyBadgesView.as_view(), name="rewards-my-badges"),
    path("me/achievements/", views.MyAchievementsView.as_view(), name="rewards-my-achievements"),
    path("me/leaderboard/", views.MyLeaderboardView.as_view(), name="rewards-my-leaderboard"),
    path("leaderboard/", views.LeaderboardView.as_view(), name="rewards-leaderboard"),
    path("badges/<badge_slug:slug>/", views.PublicBadgeView.as_view(), name="rewards-badge"),
    path("badge-awards/<award_key:award>/", views.PublicBadgeAwardView.as_view(), name="rewards-badge-award"),
]
