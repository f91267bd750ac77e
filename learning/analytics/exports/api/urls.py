from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# A signed link's token: the export's uuid, a timestamp and a signature (links.py).
register_text_converter("export_token", "[0-9a-f-]{36}:[0-9A-Za-z]{1,16}:[A-Za-z0-9_-]{20,100}")

urlpatterns = [
    path("analytics/exports/", views.ExportListView.as_view(), name="analytics-exports"),
    path("analytics/exports/<uuid:export_id>/", views.ExportDetailView.as_view(), name="analytics-export"),
    path(
        "analytics/exports/download/<export_token:token>/",
        views.ExportDownloadView.as_view(),
        name="analytics-export-download",
    ),
]
