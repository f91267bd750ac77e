"""Open Badges endpoints. Public (no authentication; an Authorization header changes
nothing): the issuer profile, its keys, and verification. Owners only: the export of
one's own badge or certificate as a signed credential (`exports.py`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from site_config.api.errors import api_error_response

from ..credentials import issuer_profile, key_url
from ..keys import THUMBPRINT, current_keyset
from ..signing import verify_credential_jwt
from .serializers import (
    IssuerProfileSerializer,
    JwkSerializer,
    JwksSerializer,
    VerificationSerializer,
    VerifyInputSerializer,
)
from .throttles import VerifyThrottle

PUBLIC_CACHE = "public, max-age=300"


def _jwk(key, *, active: bool) -> dict:
    return {
        "kid": key_url(key.thumbprint),
        **key.public_jwk(),
        "alg": key.alg,
        "use": "sig",
        "status": "active" if active else "retired",
    }


class _Public(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class IssuerProfileView(_Public):
    @extend_schema(
        operation_id="openbadges_issuer",
        summary="The issuer's Open Badges 3.0 Profile (public)",
        description="The `issuer` of every credential this server signs, as JSON-LD. Its keys: "
        "`GET /api/v1/openbadges/keys/`.",
        responses={200: IssuerProfileSerializer},
    )
    def get(self, request):
        return Response(issuer_profile(), headers={"Cache-Control": PUBLIC_CACHE})


class KeySetView(_Public):
    @extend_schema(
        operation_id="openbadges_keys",
        summary="The issuer's public keys as a JWKS (public)",
        description="The active key first, then the retired keys, which still verify the "
        "credentials they signed. A credential's JOSE header names its key by `kid`, this list's "
        "`kid` (a URL that answers the key alone).",
        responses={200: JwksSerializer},
    )
    def get(self, request):
        keyset = current_keyset()
        keys = [_jwk(keyset.active, active=True)] if keyset.active else []
        keys += [_jwk(key, active=False) for key in keyset.keys.values() if key is not keyset.active]
        return Response({"keys": keys}, headers={"Cache-Control": PUBLIC_CACHE})


class KeyView(_Public):
    @extend_schema(
        operation_id="openbadges_key",
        summary="One public key as a JWK (public): what a credential's `kid` dereferences to",
        responses={200: JwkSerializer},
    )
    def get(self, request, thumbprint: str):
        keyset = current_keyset()
        key = keyset.get(thumbprint) if THUMBPRINT.match(thumbprint) else None
        if key is None:
            return api_error_response(404, "not_found", "No such key.")
        return Response(_jwk(key, active=key is keyset.active), headers={"Cache-Control": PUBLIC_CACHE})


class VerifyView(_Public):
    throttle_classes = [VerifyThrottle]

    @extend_schema(
        operation_id="openbadges_verify",
        summary="Verify an Open Badges 3.0 credential (VC-JWT) signed here (public)",
        description="Checks, in order: the compact JWS shape, the header's `alg` (EdDSA or ES256) "
        "and `kid` (one of this issuer's keys, active or retired), the signature, the time window "
        "(`nbf`/`exp`, 60 s leeway), the credential against the Open Badges 3.0 schema, the JWT "
        "claims against the credential, and whether the badge award or certificate behind it "
        "still stands. Always 200 for a well-formed request: `status` is `valid`, `revoked` or "
        "`invalid`, `reason` says why. Throttled per client address (OPENBADGES_THROTTLE_VERIFY).",
        request=VerifyInputSerializer,
        responses={200: VerificationSerializer},
    )
    def post(self, request):
        data = VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = verify_credential_jwt(data.validated_data["credential"])
        return Response(
            {
                "valid": result.valid,
                "status": str(result.status),
                "reason": str(result.reason),
                "detail": result.detail,
                "key_id": result.key_id,
                "credential": result.credential,
            },
            headers={"Cache-Control": "no-store"},
        )


NOT_CONFIGURED = OpenApiResponse(
    description="No signing key is configured on this server (`openbadges_disabled`, one error shape)."
)
