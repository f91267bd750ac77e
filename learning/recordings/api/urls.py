from django.urls import path

from . import views

urlpatterns = [
    # managing (admins; teachers with RECORDINGS_TEACHERS_MAY_UPLOAD)
    path("authoring/recordings/", views.AuthoringRecordingListView.as_view(), name="authoring-recordings"),
    path(
        "authoring/recordings/<id:recording_id>/",
        views.AuthoringRecordingDetailView.as_view(),
        name="authoring-recording",
    ),
    path(
        "authoring/recordings/<id:recording_id>/process/",
        views.AuthoringRecordingProcessView.as_view(),
        name="authoring-recording-process",
    ),
    # the video (upload and playback), poster and rendition
    path("recordings/<id:recording_id>/video/", views.RecordingVideoView.as_view(), name="recording-video"),
    path(
        "recordings/<id:recording_id>/poster/", views.RecordingPosterView.as_view(), name="recording-poster"
    ),
    path(
        "recordings/<id:recording_id>/rendition/",
        views.RecordingRenditionView.as_view(),
        name="recording-rendition",
    ),
    path(
        "recordings/<id:recording_id>/rendition/<str:segment>",
        views.RecordingRenditionSegmentView.as_view(),
        name="recording-rendition-segment",
    ),
]
