from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# A badge award's public id (32 hex digits); a badge's slug (letters, digits, `-`, `_`).
register_text_converter("award_key", "[0-9a-f]{32}")
register_text_converter("badge_slug", "[-a-zA-Z0-9_]{1,80}")

urlpatterns = [
    path("me/xp/", views.MyXpView.as_view(), name="rewards-my-xp"),
    path("me/badges/", views.MyBadgesView.as_view(), name="rewards-my-badges"),
    path("me/achievements/", views.MyAchievementsView.as_view(), name="rewards-my-achievements"),
    path("me/leaderboard/", views.MyLeaderboardView.as_view(), name="rewards-my-leaderboard"),
    path("leaderboard/", views.LeaderboardView.as_view(), name="rewards-leaderboard"),
    path("badges/<badge_slug:slug>/", views.PublicBadgeView.as_view(), name="rewards-badge"),
    path("badge-awards/<award_key:award>/", views.PublicBadgeAwardView.as_view(), name="rewards-badge-award"),
]
