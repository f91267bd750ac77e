"""Input and output shapes of the accounts API. Inputs only parse; rules live in
services (password validators, code checks, uniqueness)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from site_config.api import serializers as api

from ..emails import validate_email_ascii
from ..models import validate_locale, validate_time_zone
from ..roles import Role, user_roles

User = get_user_model()

# Login addresses: plain ASCII (the rule and why: learning/accounts/emails.py).
_email = {"max_length": 254, "validators": [validate_email_ascii]}

_password = {
    "max_length": 128,
    "trim_whitespace": False,
    "write_only": True,
    "style": {"input_type": "password"},
}


class _AvatarUrl(serializers.Field):
    """Absolute URL of the avatar rendition, or null."""

    def __init__(self, **kwargs):
        super().__init__(source="avatar", read_only=True, **kwargs)

    def to_representation(self, value):
        if not value:
            return None
        url = value.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request and url.startswith("/") else url


_AvatarUrl = extend_schema_field({"type": "string", "format": "uri", "nullable": True})(_AvatarUrl)


class OrganisationSerializer(api.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MeSerializer(api.ModelSerializer):
    """The signed-in user's own account: private fields included."""

    avatar_url = _AvatarUrl()
    roles = serializers.SerializerMethodField()
    organisation = OrganisationSerializer(
        read_only=True,
        allow_null=True,
        help_text="The school or organisation an admin assigned you to (read-only); null: none.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "email_verified",
            "display_name",
            "bio",
            "locale",
            "time_zone",
            "avatar_url",
            "roles",
            "organisation",
            "date_joined",
            "profile_taken_down_at",
            "profile_takedown_reason",
        ]
        read_only_fields = [
            "id",
            "email",
            "email_verified",
            "avatar_url",
            "roles",
            "organisation",
            "date_joined",
            "profile_taken_down_at",
            "profile_takedown_reason",
        ]
        extra_kwargs = {
            "locale": {"validators": [validate_locale]},
            "time_zone": {"validators": [validate_time_zone]},
        }

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user) -> list[str]:
        return user_roles(user)


class UserSummarySerializer(api.Serializer):
    """A user wherever another object names one (a course's owners, a review's
    submitter, a submission's learner): the same `id` and `display_name` as the public
    profile (/api/v1/auth/profiles/{id}/), blank when the user set none. Never the
    email nor a piece of it, nor the private first/last name."""

    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()


class StaffUserSummarySerializer(UserSummarySerializer):
    """A user as teachers and admins see them in their own tools: the summary plus the
    login email (to reach them)."""

    email = serializers.EmailField()


class PublicProfileSerializer(api.ModelSerializer):
    """What anyone signed in may see of another user: no email, locale or time zone."""

    avatar_url = _AvatarUrl()

    class Meta:
        model = User
        fields = ["id", "display_name", "bio", "avatar_url"]
        read_only_fields = fields


class TokenPairSerializer(api.Serializer):
    access = serializers.CharField(help_text="Access JWT: send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="Refresh JWT: single use, exchange at /auth/refresh/.")


class SessionSerializer(TokenPairSerializer):
    user = MeSerializer()


class SignupSerializer(api.Serializer):
    email = serializers.EmailField(**_email)
    password = serializers.CharField(**_password)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class LoginSerializer(api.Serializer):
    email = serializers.EmailField(**_email)
    password = serializers.CharField(**_password)


class RefreshSerializer(api.Serializer):
    refresh = serializers.CharField(max_length=4096)


class LogoutSerializer(RefreshSerializer):
    everywhere = serializers.BooleanField(
        default=False, help_text="Also sign out every other session of this user (all devices)."
    )


class EmailSerializer(api.Serializer):
    email = serializers.EmailField(**_email)


class VerifyEmailSerializer(EmailSerializer):
    code = serializers.RegexField(r"^\d{6}\Z", max_length=6, help_text="The 6-digit code from the mail.")


class PasswordResetConfirmSerializer(EmailSerializer):
    code = serializers.RegexField(r"^\d{6}\Z", max_length=6, help_text="The 6-digit code from the mail.")
    new_password = serializers.CharField(**_password)


class PasswordChangeSerializer(api.Serializer):
    current_password = serializers.CharField(**_password)
    new_password = serializers.CharField(**_password)


class AvatarUploadSerializer(api.Serializer):
    avatar = serializers.FileField(
        help_text="JPEG, PNG, WebP or GIF; checked by decoding, stored as a square WebP without metadata."
    )


class AcceptedSerializer(api.Serializer):
    detail = serializers.CharField()
