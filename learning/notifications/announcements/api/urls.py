from django.urls import path

from . import views

urlpatterns = [
    path("announcements/", views.LearnerAnnouncementsView.as_view(), name="announcements"),
    path("announcements/<id:announcement_id>/", views.LearnerAnnouncementView.as_view(), name="announcement"),
    path("teacher/announcements/", views.AuthorAnnouncementsView.as_view(), name="teacher-announcements"),
    path(
        "teacher/announcements/<id:announcement_id>/",
        views.AuthorAnnouncementView.as_view(),
        name="teacher-announcement",
    ),
    path(
        "teacher/announcements/<id:announcement_id>/send/",
        views.AuthorAnnouncementSendView.as_view(),
        name="teacher-announcement-send",
    ),
    path(
        "teacher/announcements/<id:announcement_id>/cancel/",
        views.AuthorAnnouncementCancelView.as_view(),
        name="teacher-announcement-cancel",
    ),
]
