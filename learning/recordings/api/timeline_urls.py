"""Playback, the snapshot timeline, publishing and fork (part 2 of issue 14)."""

from django.urls import path

from . import timeline_views as views

urlpatterns = [
    path("recordings/", views.RecordingPlayerListView.as_view(), name="recording-list"),
    path("recordings/<id:recording_id>/", views.RecordingPlayerDetailView.as_view(), name="recording-detail"),
    path(
        "recordings/<id:recording_id>/snapshots/",
        views.SnapshotIngestView.as_view(),
        name="recording-snapshots",
    ),
    path("recordings/<id:recording_id>/timeline/", views.TimelineView.as_view(), name="recording-timeline"),
    path("recordings/<id:recording_id>/state/", views.StateView.as_view(), name="recording-state"),
    path("recordings/<id:recording_id>/fork/", views.ForkView.as_view(), name="recording-fork"),
    path(
        "recordings/<id:recording_id>/publish/",
        views.RecordingPublishView.as_view(),
        name="recording-publish",
    ),
    path(
        "recordings/<id:recording_id>/unpublish/",
        views.RecordingUnpublishView.as_view(),
        name="recording-unpublish",
    ),
]
