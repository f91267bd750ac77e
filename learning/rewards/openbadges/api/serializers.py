"""Serializers of the Open Badges endpoints. The credential itself is Open Badges 3.0
JSON-LD, documented as a free-form object (its schema: docs/open-badges.md)."""

from django.conf import settings
from rest_framework import serializers

from site_config.api.serializers import Serializer

from ..signing import Reason, Status


class _Text(serializers.CharField):
    """A string, never a number or a boolean turned into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CredentialVerifyInputSerializer(Serializer):
    credential = _Text(
        trim_whitespace=True,
        help_text="The credential as a VC-JWT (compact JWS), as exported by "
        "`GET /api/v1/me/badges/{id}/credential/` or `/api/v1/me/certificates/{id}/credential/`. "
        "At most OPENBADGES_VERIFY_MAX_BYTES bytes.",
    )

    def validate_credential(self, value: str) -> str:
        limit = settings.OPENBADGES_VERIFY_MAX_BYTES
        if len(value.encode()) > limit:
            raise serializers.ValidationError(f"At most {limit} bytes.", code="max_length")
        return value


class CredentialVerificationSerializer(Serializer):
    valid = serializers.BooleanField(help_text="True only when `status` is `valid`.")
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.ChoiceField(
        choices=Reason.choices, help_text="Why: `valid`, `revoked`, or what made it invalid."
    )
    detail = serializers.CharField()
    key_id = serializers.CharField(
        allow_null=True, help_text="The signing key's URL (its `kid`), once the key is known."
    )
    credential = serializers.JSONField(
        allow_null=True,
        help_text="The decoded credential (the JWT payload), once its signature has verified; else null.",
    )


class IssuerJwkSerializer(Serializer):
    kid = serializers.CharField(help_text="The key's URL, which answers this JWK.")
    kty = serializers.CharField(help_text="`OKP` (Ed25519) or `EC` (P-256).")
    crv = serializers.CharField()
    x = serializers.CharField()
    y = serializers.CharField(required=False, help_text="EC keys only.")
    alg = serializers.CharField(help_text="`EdDSA` or `ES256`.")
    use = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("active", "signs new credentials"), ("retired", "verifies older ones only")]
    )


class IssuerJwksSerializer(Serializer):
    keys = IssuerJwkSerializer(many=True)


class IssuerProfileSerializer(Serializer):
    """Open Badges 3.0 `Profile` (JSON-LD)."""

    context = serializers.ListField(child=serializers.CharField(), help_text="JSON-LD contexts (`@context`).")
    id = serializers.CharField()
    type = serializers.ListField(child=serializers.CharField())
    name = serializers.CharField()
    url = serializers.CharField()
    email = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = serializers.ListField(
            child=serializers.CharField(), help_text="JSON-LD contexts."
        )
        del fields["context"]
        return fields


class CredentialExportSerializer(Serializer):
    credential_jwt = serializers.CharField(
        help_text="The signed credential (VC-JWT): what a wallet or a verifier takes."
    )
    credential = serializers.JSONField(
        help_text="The same credential decoded: an Open Badges 3.0 OpenBadgeCredential."
    )
    key_id = serializers.CharField(help_text="The signing key's URL (its `kid`).")
    verify_url = serializers.CharField(help_text="Where anyone can verify it: POST the JWT as `credential`.")
