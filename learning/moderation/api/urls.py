from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.ReportCreateView.as_view(), name="moderation-reports"),
    path("admin/moderation/cases/", views.CaseListView.as_view(), name="moderation-cases"),
    path("admin/moderation/cases/<id:case_id>/", views.CaseDetailView.as_view(), name="moderation-case"),
    path(
        "admin/moderation/cases/<id:case_id>/dismiss/",
        views.CaseDismissView.as_view(),
        name="moderation-case-dismiss",
    ),
    path(
        "admin/moderation/cases/<id:case_id>/take-down/",
        views.CaseTakeDownView.as_view(),
        name="moderation-case-take-down",
    ),
    path(
        "admin/moderation/cases/<id:case_id>/restore/",
        views.CaseRestoreView.as_view(),
        name="moderation-case-restore",
    ),
]
