from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("login-locks/", views.LoginLockListView.as_view(), name="admin-login-locks"),
    path("login-locks/<id:pk>/", views.LoginLockView.as_view(), name="admin-login-lock"),
    path("users/<id:pk>/sessions/", views.UserSessionsView.as_view(), name="admin-user-sessions"),
    path(
        "users/<id:pk>/sessions/revoke/",
        views.UserSessionsRevokeView.as_view(),
        name="admin-user-sessions-revoke",
    ),
    path(
        "users/<id:pk>/second-factor/", views.UserSecondFactorView.as_view(), name="admin-user-second-factor"
    ),
]
