"""An organisation admin's view of their organisation (docs/accounts.md#organisations,
docs/analytics.md#organisations): its name and member counts, and its members. Only
the organisation's own admins (User.organisation_admin) read these; nobody reads
another organisation's members."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from site_config.api import serializers as api

from .. import selectors
from ..roles import Role, user_roles

TAG = ["organisations"]


class IsOrganisationAdmin(BasePermission):
    """An admin of an organisation (User.organisation_admin, with an organisation)."""

    message = "Only an organisation's admins read it."

    def has_permission(self, request, view):
        return selectors.organisation_admin_of(request.user) is not None


class MemberCountsSerializer(api.Serializer):
    member_count = serializers.IntegerField(help_text="Active members.")
    organisation_admin_count = serializers.IntegerField(
        help_text="Active members who are organisation admins."
    )
    by_role = serializers.DictField(
        child=serializers.IntegerField(), help_text="student, teacher, admin: members with the role."
    )


class MyOrganisationSerializer(api.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    members = MemberCountsSerializer()


class MemberSerializer(api.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    organisation_admin = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


class MemberQuerySerializer(api.Serializer):
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Only members with this role."
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1)


class MyOrganisationView(APIView):
    permission_classes = [IsOrganisationAdmin]

    @extend_schema(
        tags=TAG,
        operation_id="organisation_mine_get",
        summary="The organisation you administer: its name and member counts by role",
        description="Organisation admins only (403 for anyone else, platform admins included).",
        responses=MyOrganisationSerializer,
    )
    def get(self, request):
        organisation = selectors.organisation_administered_get(user=request.user)
        body = {
            "id": organisation.pk,
            "name": organisation.name,
            "slug": organisation.slug,
            "members": selectors.organisation_member_counts(organisation=organisation),
        }
        return Response(MyOrganisationSerializer(body).data)


class MyOrganisationMembersView(GenericAPIView):
    permission_classes = [IsOrganisationAdmin]
    serializer_class = MemberSerializer

    @extend_schema(
        tags=TAG,
        operation_id="organisation_mine_members",
        summary="The members of the organisation you administer (paginated)",
        description="Learners, teachers and admins with their roles and organisation-admin flag, by email. "
        "Organisation admins only.",
        parameters=[MemberQuerySerializer],
    )
    def get(self, request):
        organisation = selectors.organisation_administered_get(user=request.user)
        query = MemberQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        members = selectors.organisation_members(
            organisation=organisation, role=query.validated_data.get("role")
        )
        page = self.paginate_queryset(members)
        rows = [
            {
                "id": member.pk,
                "email": member.email,
                "display_name": member.display_name,
                "roles": user_roles(member),
                "organisation_admin": member.organisation_admin,
                "date_joined": member.date_joined,
            }
            for member in page
        ]
        return self.get_paginated_response(MemberSerializer(rows, many=True).data)
