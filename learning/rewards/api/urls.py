from django.urls import path

from . import views

urlpatterns = [
    path("me/xp/", views.MyXpView.as_view(), name="rewards-my-xp"),
    path("me/badges/", views.MyBadgesView.as_view(), name="rewards-my-badges"),
    path("me/achievements/", views.MyAchievementsView.as_view(), name="rewards-my-achievements"),
    path("me/leaderboard/", views.MyLeaderboardView.as_view(), name="rewards-my-leaderboard"),
    path("leaderboard/", views.LeaderboardView.as_view(), name="rewards-leaderboard"),
    path("badges/<slug:slug>/", views.PublicBadgeView.as_view(), name="rewards-badge"),
    path("badge-awards/<str:public_id>/", views.PublicBadgeAwardView.as_view(), name="rewards-badge-award"),
]
