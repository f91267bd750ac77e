from django.urls import path

from . import views

urlpatterns = [
    path("admin/audit/entries/", views.AuditEntryListView.as_view(), name="audit-entries"),
    path("admin/audit/entries/csv/", views.AuditExportView.as_view(), name="audit-entries-csv"),
    path("admin/audit/entries/<id:pk>/", views.AuditEntryDetailView.as_view(), name="audit-entry"),
]
