from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

register_text_converter("award_public_id", "[0-9a-f]{32}")  # a badge award's public id
# A key's RFC 7638 thumbprint: base64url of a SHA-256 digest, 43 characters.
register_text_converter("key_thumbprint", "[A-Za-z0-9_-]{43}")

urlpatterns = [
    path(
        "me/badges/<award_public_id:award>/credential/",
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
    path("openbadges/keys/<key_thumbprint:thumbprint>/", views.KeyView.as_view(), name="openbadges-key"),
    path("openbadges/verify/", views.VerifyView.as_view(), name="openbadges-verify"),
]
