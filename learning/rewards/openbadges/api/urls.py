from django.urls import path

from . import views

urlpatterns = [
    path("openbadges/issuer/", views.IssuerProfileView.as_view(), name="openbadges-issuer"),
    path("openbadges/keys/", views.KeySetView.as_view(), name="openbadges-keys"),
    path("openbadges/keys/<str:thumbprint>/", views.KeyView.as_view(), name="openbadges-key"),
    path("openbadges/verify/", views.VerifyView.as_view(), name="openbadges-verify"),
]
