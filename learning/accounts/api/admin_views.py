"""Admins' account-security API (/api/v1/admin/...): login locks, a user's sessions, a
user's second factor. Admins only; every change audited (learning/audit)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from site_config.api import serializers as api

from .. import admin_services
from ..models import LoginLock
from ..permissions import IsAdmin
from ..second_factor.services import second_factor_reset

TAG = ["admin: account security"]
User = get_user_model()


class LoginLockSerializer(api.ModelSerializer):
    lifted_by = serializers.IntegerField(source="lifted_by_id", read_only=True, allow_null=True)

    class Meta:
        model = LoginLock
        fields = ["id", "kind", "subject", "failures", "locked_at", "locked_until", "lifted_at", "lifted_by"]
        read_only_fields = fields


class RefreshTokenRowSerializer(api.Serializer):
    id = serializers.IntegerField()
    jti = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()


class EditorSessionSerializer(api.Serializer):
    key_hint = serializers.SerializerMethodField(help_text="The session key's last 6 characters.")
    expires_at = serializers.DateTimeField()
    ip = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    logged_in_at = serializers.CharField(allow_null=True)
    second_factor = serializers.BooleanField()

    def get_key_hint(self, row) -> str:
        return row["key"][-6:]


class UserSessionsSerializer(api.Serializer):
    refresh_tokens = RefreshTokenRowSerializer(many=True)
    editor_sessions = EditorSessionSerializer(many=True)


class RevokedSerializer(api.Serializer):
    refresh_tokens_blacklisted = serializers.IntegerField()


def _user(pk):
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFound("No such user.")
    return user


class LoginLockListView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = LoginLockSerializer

    @extend_schema(tags=TAG, summary="Current login locks (accounts and client networks)")
    def get(self, request):
        page = self.paginate_queryset(admin_services.login_locks_current())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class LoginLockView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = LoginLockSerializer

    @extend_schema(
        tags=TAG,
        summary="Lift a login lock",
        description="The account (or network) may log in again at once; its failure count "
        "starts over. Audited.",
        request=None,
        responses={200: LoginLockSerializer},
    )
    def delete(self, request, pk):
        lock = admin_services.login_locks_current().filter(pk=pk).first()
        if lock is None:
            raise NotFound("No current lock with this id.")
        return Response(self.get_serializer(admin_services.login_lock_lift(lock=lock, by=request.user)).data)


class UserSessionsView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = UserSessionsSerializer

    @extend_schema(tags=TAG, summary="A user's live refresh tokens and editor sessions")
    def get(self, request, pk):
        return Response(self.get_serializer(admin_services.user_sessions(user=_user(pk))).data)


class UserSessionsRevokeView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = RevokedSerializer

    @extend_schema(
        tags=TAG,
        summary="Sign a user out everywhere",
        description="Blacklists every refresh token, makes every access token issued so far invalid "
        "(401 `token_revoked`), and deletes the user's editor/admin sessions. Audited.",
        request=None,
        responses={200: RevokedSerializer},
    )
    def post(self, request, pk):
        count = admin_services.user_sessions_revoke(user=_user(pk), by=request.user)
        return Response({"refresh_tokens_blacklisted": count})


class UserSecondFactorView(GenericAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        tags=TAG,
        summary="Remove a user's second factor",
        description="For a lost authenticator: deletes the user's TOTP device and recovery codes and "
        "signs them out everywhere; their next editor login enrols again. Audited.",
        request=None,
        responses={204: OpenApiResponse(description="Removed.")},
    )
    def delete(self, request, pk):
        second_factor_reset(user=_user(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
