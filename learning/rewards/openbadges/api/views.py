"""Open Badges endpoints. Public (no authentication; an Authorization header changes
nothing): the issuer profile, its keys, and verification. Owners only: the export of
one's own badge or certificate as a signed credential (`exports.py`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsVerified
from site_config.api.errors import api_error_response
from site_config.api.schema import ConflictErrorResponse

from .. import selectors, sources
from ..credentials import API_PREFIX, base_url, issuer_profile, key_url
from ..keys import THUMBPRINT, current_keyset
from ..signing import OpenBadgesDisabled, verify_credential_jwt
from .serializers import (
    CredentialExportSerializer,
    CredentialVerificationSerializer,
    CredentialVerifyInputSerializer,
    IssuerJwkSerializer,
    IssuerJwksSerializer,
    IssuerProfileSerializer,
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
        responses={200: IssuerJwksSerializer},
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
        responses={200: IssuerJwkSerializer},
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
        request=CredentialVerifyInputSerializer,
        responses={200: CredentialVerificationSerializer},
    )
    def post(self, request):
        data = CredentialVerifyInputSerializer(data=request.data)
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


# --- exports: the owner's own badge awards and certificates --------------------------

EXPORT_ERRORS = {
    503: NOT_CONFIGURED,
}


def _disabled() -> Response:
    return Response(
        {
            "type": "server_error",
            "errors": [
                {
                    "code": "openbadges_disabled",
                    "detail": "Open Badges signing is not configured here (OPENBADGES_SIGNING_KEY).",
                    "attr": None,
                }
            ],
        },
        status=503,
    )


def _export_response(data) -> Response:
    try:
        exported = sources.export(data)
    except OpenBadgesDisabled:
        return _disabled()
    return Response(
        {
            "credential_jwt": exported.credential_jwt,
            "credential": exported.credential,
            "key_id": exported.key_id,
            "verify_url": f"{base_url()}{API_PREFIX}/verify/",
        },
        headers={"Cache-Control": "private, no-store"},
    )


class MyBadgeCredentialView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="my_badge_credential",
        summary="My badge award as a signed Open Badges 3.0 credential",
        description="`award` is the award's `public_id` in `GET /api/v1/me/badges/`. Answers the "
        "VC-JWT (for a wallet) and the same credential decoded. Someone else's award: 404.",
        responses={200: CredentialExportSerializer, **EXPORT_ERRORS},
    )
    def get(self, request, award: str):
        award = selectors.badge_award_get_for_owner(user=request.user, public_id=award)
        return _export_response(sources.badge_award_data(award))


class MyCertificateCredentialView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="my_certificate_credential",
        summary="My certificate as a signed Open Badges 3.0 credential",
        description="Issued, valid certificates only: a pending one answers 409 "
        "`certificate_not_issued`, a revoked one 409 `certificate_revoked`. Someone else's: 404.",
        responses={200: CredentialExportSerializer, 409: ConflictErrorResponse, **EXPORT_ERRORS},
    )
    def get(self, request, certificate_id: int):
        from learning.rewards.certificates.models import CertificateStatus, IssueStatus

        certificate = selectors.certificate_get_for_owner(user=request.user, certificate_id=certificate_id)
        if certificate.status == CertificateStatus.REVOKED:
            return api_error_response(
                409, "certificate_revoked", "This certificate was revoked: it cannot be exported."
            )
        if certificate.issue_status != IssueStatus.ISSUED or certificate.issued_at is None:
            return api_error_response(
                409, "certificate_not_issued", "This certificate is not issued yet; try again once it is."
            )
        return _export_response(sources.certificate_data(certificate))
