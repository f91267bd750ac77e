"""Signing and verifying Open Badges 3.0 credentials as VC-JWT (Open Badges 3.0 §8.2):
a compact JWS whose payload is the credential itself, plus the registered claims `iss`
(the issuer's id), `jti` (the credential's id), `nbf` (validFrom), `exp` (validUntil,
when there is one) and `sub` (the subject's id, when there is one). The JOSE header
carries `alg` (`EdDSA` or `ES256`), `typ` `JWT`, `kid` (the key's URL, see keys.py) and
the public `jwk`, which wallets may use offline; our verifier trusts only its own key set
and never a key the token brings along.

`verify_credential_jwt` answers one `Verification` with a reason code, checked in this
order: shape, header and key, signature, time window, claims against the credential,
the schema, then revocation (through `status_lookup`, `sources.credential_status` by
default).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from django.db import models
from django.utils import timezone

from .credentials import key_url, parse_credential_url
from .keys import THUMBPRINT, KeySet, current_keyset
from .schema import schema_errors

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
ALGORITHMS = ("EdDSA", "ES256")
LEEWAY_SECONDS = 60  # clock skew allowed on nbf/exp


class OpenBadgesDisabled(Exception):
    """No signing key is configured (OPENBADGES_SIGNING_KEY): nothing can be signed."""


class Reason(models.TextChoices):
    VALID = "valid", "The signature verifies and the credential is current."
    REVOKED = "revoked", "The signature verifies, but the issuer has revoked the credential."
    MALFORMED = "malformed", "Not a compact JWS / VC-JWT, or its header or payload is not usable JSON."
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm", "The header's alg is not EdDSA or ES256."
    UNKNOWN_KEY = "unknown_key", "The header's kid names no key of this issuer (active or retired)."
    BAD_SIGNATURE = (
        "bad_signature",
        "The signature does not verify: the token was altered or not signed by us.",
    )
    EXPIRED = "expired", "validUntil (exp) has passed."
    NOT_YET_VALID = "not_yet_valid", "validFrom (nbf) is in the future."
    CLAIMS_MISMATCH = "claims_mismatch", "The JWT claims (iss, jti, nbf, exp) disagree with the credential."
    SCHEMA_INVALID = "schema_invalid", "The credential does not validate against the Open Badges 3.0 schema."
    UNKNOWN_CREDENTIAL = "unknown_credential", "The issuer has no record of this credential (any more)."


class Status(models.TextChoices):
    VALID = "valid"
    REVOKED = "revoked"
    INVALID = "invalid"


@dataclass(frozen=True)
class Verification:
    status: str  # Status
    reason: str  # Reason
    detail: str
    credential: dict | None = None  # only once the signature has verified
    key_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status == Status.VALID


def _timestamp(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def jwt_claims(credential: dict) -> dict:
    claims = {
        "iss": credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"],
        "jti": credential["id"],
        "nbf": _timestamp(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = _timestamp(credential["validUntil"])
    subject_id = credential.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    return claims


def sign_credential(credential: dict, *, keyset: KeySet | None = None) -> str:
    """The credential as a VC-JWT signed with the active key."""
    keyset = keyset or current_keyset()
    key = keyset.active
    if key is None:
        raise OpenBadgesDisabled("OPENBADGES_SIGNING_KEY is not set.")
    headers = {"kid": key_url(key.thumbprint), "jwk": key.public_jwk(), "typ": "JWT"}
    return jwt.encode(
        {**credential, **jwt_claims(credential)}, key.private_key, algorithm=key.alg, headers=headers
    )


def _invalid(reason: Reason, detail: str = "", **extra) -> Verification:
    return Verification(status=Status.INVALID, reason=reason, detail=detail or reason.label, **extra)


def _default_status_lookup(kind: str, ref: str) -> str:
    from .sources import credential_status

    return credential_status(kind, ref)


def _thumbprint_of(kid: object) -> str | None:
    if not isinstance(kid, str):
        return None
    candidate = kid.rstrip("/").rsplit("/", 1)[-1]
    return candidate if THUMBPRINT.match(candidate) else None


def verify_credential_jwt(
    token: str,
    *,
    keyset: KeySet | None = None,
    status_lookup: Callable[[str, str], str] | None = None,
    now: dt.datetime | None = None,
) -> Verification:
    keyset = keyset or current_keyset()
    if not isinstance(token, str) or not COMPACT_JWS.match(token.strip()):
        return _invalid(Reason.MALFORMED)
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return _invalid(
            Reason.MALFORMED, "The JOSE header is not valid base64url JSON, or its kid is not a string."
        )
    if header.get("alg") not in ALGORITHMS:
        return _invalid(Reason.UNSUPPORTED_ALGORITHM)
    thumb = _thumbprint_of(header.get("kid"))
    key = keyset.get(thumb) if thumb else None
    if key is None:
        return _invalid(Reason.UNKNOWN_KEY)
    kid = key_url(key.thumbprint)
    if header["alg"] != key.alg:
        return _invalid(
            Reason.BAD_SIGNATURE, f"The key {key.thumbprint} signs with {key.alg}, not {header['alg']}."
        )
    try:
        payload = jwt.decode(
            token,
            key.public_key,
            algorithms=[key.alg],
            options={
                "require": ["iss", "jti", "nbf"],
                "verify_aud": False,
                "verify_iat": False,
                "verify_exp": False,  # checked below against `now`
                "verify_nbf": False,
            },
        )
    except jwt.InvalidSignatureError:
        return _invalid(Reason.BAD_SIGNATURE, key_id=kid)
    except jwt.MissingRequiredClaimError as exc:
        return _invalid(Reason.CLAIMS_MISMATCH, f"The JWT lacks the `{exc.claim}` claim.", key_id=kid)
    except jwt.InvalidTokenError:
        return _invalid(Reason.MALFORMED, "The payload is not a usable JWT claims set.", key_id=kid)
    moment = (now or timezone.now()).timestamp()
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if not isinstance(nbf, int | float) or (exp is not None and not isinstance(exp, int | float)):
        return _invalid(Reason.CLAIMS_MISMATCH, "nbf and exp must be NumericDates.", key_id=kid)
    if exp is not None and moment > exp + LEEWAY_SECONDS:
        return _invalid(Reason.EXPIRED, credential=payload, key_id=kid)
    if moment < nbf - LEEWAY_SECONDS:
        return _invalid(Reason.NOT_YET_VALID, credential=payload, key_id=kid)
    errors = schema_errors(payload)
    if errors:
        return _invalid(Reason.SCHEMA_INVALID, "; ".join(errors[:3]), credential=payload, key_id=kid)
    expected = jwt_claims(payload)
    mismatched = sorted(
        name for name in ("iss", "jti", "nbf", "exp", "sub") if payload.get(name) != expected.get(name)
    )
    if mismatched:
        return _invalid(
            Reason.CLAIMS_MISMATCH,
            f"The claims {', '.join(mismatched)} disagree with the credential.",
            credential=payload,
            key_id=kid,
        )
    source = parse_credential_url(payload["id"])
    status = (status_lookup or _default_status_lookup)(*source) if source else "unknown"
    if status == Status.REVOKED:
        return Verification(
            status=Status.REVOKED,
            reason=Reason.REVOKED,
            detail=Reason.REVOKED.label,
            credential=payload,
            key_id=kid,
        )
    if status != Status.VALID:
        return _invalid(Reason.UNKNOWN_CREDENTIAL, credential=payload, key_id=kid)
    return Verification(
        status=Status.VALID, reason=Reason.VALID, detail=Reason.VALID.label, credential=payload, key_id=kid
    )
