from django.urls import path, register_converter

from . import views


class TokenConverter:
    """`<unsubscribe_token:token>`: django.core.signing's alphabet (URL-safe base64,
    `.` and `:`), at most 300 characters; anything else is not this route (404)."""

    regex = "[A-Za-z0-9_:.-]{1,300}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TokenConverter, "unsubscribe_token")

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/unread-count/", views.UnreadCountView.as_view(), name="notification-unread-count"),
    path("notifications/read-all/", views.ReadAllView.as_view(), name="notification-read-all"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="notification-preferences"),
    path("notifications/send/", views.AdminSendView.as_view(), name="notification-send"),
    path(
        "notifications/unsubscribe/<unsubscribe_token:token>/",
        views.UnsubscribeView.as_view(),
        name="notification-unsubscribe",
    ),
    path(
        "notifications/<id:notification_id>/",
        views.NotificationDetailView.as_view(),
        name="notification-detail",
    ),
    path(
        "notifications/<id:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
