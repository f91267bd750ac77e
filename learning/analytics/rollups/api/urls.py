from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# A metric's name (the catalogue's `name`): lower-case letters, digits, underscores.
register_text_converter("metric_name", "[a-z0-9_]{1,64}")

urlpatterns = [
    path("analytics/dashboards/", views.MetricListView.as_view(), name="analytics-dashboard-metrics"),
    path(
        "analytics/dashboards/<metric_name:metric>/",
        views.DashboardView.as_view(),
        name="analytics-dashboard",
    ),
]
