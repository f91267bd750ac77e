from django.urls import path, register_converter

from . import views


class PublicIdConverter:
    """A badge award's public id: 32 lowercase hex digits; anything else is not this route."""

    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(PublicIdConverter, "award_public_id")

urlpatterns = [
    path(
        "me/badges/<award_public_id:public_id>/credential/",
        views.MyBadgeCredentialView.as_view(),
        name="openbadges-my-badge",
    ),
    path(
        "me/certificates/<id:certificate_id>/credential/",
        views.MyCertificateCredentialView.as_view(),
        name="openbadges-my-certificate",
    ),
    path("openbadges/issuer/", views.IssuerProfileView.as_view(), name="openbadges-issuer"),
    path("openbadges/keys/", views.KeySetView.as_view(), name="openbadges-keys"),
    path("openbadges/keys/<str:thumbprint>/", views.KeyView.as_view(), name="openbadges-key"),
    path("openbadges/verify/", views.VerifyView.as_view(), name="openbadges-verify"),
]
