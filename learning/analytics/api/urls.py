from django.urls import path

from . import views

urlpatterns = [
    path("analytics/events/", views.EventIngestView.as_view(), name="analytics-events"),
]
