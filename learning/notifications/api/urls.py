from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# django.core.signing's alphabet (URL-safe base64, `.` and `:`), at most 300 characters.
register_text_converter("unsubscribe_token", "[A-Za-z0-9_:.-]{1,300}")

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
