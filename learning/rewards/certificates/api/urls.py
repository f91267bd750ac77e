from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# What a verification code can be (the serial's alphabet); anything else is a 404 here.
register_text_converter("certificate_code", "[A-Za-z0-9_-]{1,64}")

urlpatterns = [
    path("me/certificates/", views.MyCertificateListView.as_view(), name="my-certificates"),
    path(
        "me/certificates/<id:certificate_id>/", views.MyCertificateDetailView.as_view(), name="my-certificate"
    ),
    path(
        "me/certificates/<id:certificate_id>/pdf/",
        views.MyCertificatePdfView.as_view(),
        name="my-certificate-pdf",
    ),
    path(
        "courses/<id:course_id>/certificate/",
        views.CourseCertificateStatusView.as_view(),
        name="course-certificate-status",
    ),
    path(
        "certificates/verify/<certificate_code:code>/",
        views.VerifyCertificateView.as_view(),
        name="certificate-verify",
    ),
    path("certificates/", views.AdminCertificateListView.as_view(), name="admin-certificates"),
    path(
        "certificates/<id:certificate_id>/revoke/",
        views.AdminCertificateRevokeView.as_view(),
        name="admin-certificate-revoke",
    ),
    path(
        "certificates/<id:certificate_id>/reissue/",
        views.AdminCertificateReissueView.as_view(),
        name="admin-certificate-reissue",
    ),
]
