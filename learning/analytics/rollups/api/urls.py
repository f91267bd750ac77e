from django.urls import path

from . import views

urlpatterns = [
    path("analytics/dashboards/", views.MetricListView.as_view(), name="analytics-dashboard-metrics"),
    path("analytics/dashboards/<slug:metric>/", views.DashboardView.as_view(), name="analytics-dashboard"),
]
