from django.urls import path

from . import organisation_views as views

urlpatterns = [
    path("organisations/mine/", views.MyOrganisationView.as_view(), name="organisation-mine"),
    path(
        "organisations/mine/members/", views.MyOrganisationMembersView.as_view(), name="organisation-members"
    ),
]
