"""Open Badges 3.0 credentials built from plain data: an `OpenBadgeCredential` (W3C
Verifiable Credentials Data Model 2.0) for one learner and one achievement.

Nothing here reads the database: the callers (`sources.py`) turn a badge award or a
certificate into `CredentialData`, and this module only shapes JSON. Every URL
(credential, issuer, key) is built under OPENBADGES_BASE_URL by the `*_url` helpers, so
the verifier can tell our credentials from anyone else's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
API_PREFIX = "/api/v1/openbadges"


def base_url() -> str:
    return (settings.OPENBADGES_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def issuer_url() -> str:
    return f"{base_url()}{API_PREFIX}/issuer/"


def keys_url() -> str:
    return f"{base_url()}{API_PREFIX}/keys/"


def key_url(thumbprint: str) -> str:
    return f"{keys_url()}{thumbprint}/"


def credential_url(kind: str, ref: str) -> str:
    """The credential's id: `<base>/api/v1/openbadges/credentials/<kind>/<ref>/`. An
    identifier (the verifier reads the kind and reference back to look up revocation),
    not a page: nothing is served there."""
    return f"{base_url()}{API_PREFIX}/credentials/{kind}/{ref}/"


def issuer_profile() -> dict:
    """The issuer's public Profile (Open Badges 3.0 `Profile`, JSON-LD)."""
    profile = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_url(),
        "type": ["Profile"],
        "name": settings.OPENBADGES_ISSUER_NAME,
        "url": settings.OPENBADGES_ISSUER_URL,
    }
    if settings.OPENBADGES_ISSUER_EMAIL:
        profile["email"] = settings.OPENBADGES_ISSUER_EMAIL
    return profile


@dataclass(frozen=True, kw_only=True)
class AchievementData:
    """What was achieved: a badge definition or a course (for a certificate)."""

    id: str  # a URL or URN naming the achievement, the same for every earner
    name: str
    description: str
    criteria: str  # how it is earned, in words (Markdown allowed)
    achievement_type: str  # Open Badges' AchievementType: "Badge", "CertificateOfCompletion", ...
    image_url: str = ""


@dataclass(frozen=True, kw_only=True)
class SubjectData:
    """Who earned it. The name is shown as given (a certificate carries the name as on
    the profile at issue time); the email, when given, only as a salted SHA-256 hash
    (Open Badges' IdentityObject), so a verifier who knows the address can check it and
    nobody else learns it."""

    name: str
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class CredentialData:
    kind: str  # "badge-award" or "certificate": the credential's URL says which
    ref: str  # the source's reference within its kind
    achievement: AchievementData
    subject: SubjectData
    valid_from: dt.datetime  # when it was awarded (aware)
    valid_until: dt.datetime | None = None
    name: str = ""  # display name in wallets; default: the achievement's name


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _identifiers(subject: SubjectData, *, salt: str) -> list[dict]:
    identifiers = [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": subject.name}
    ]
    if subject.email:
        digest = hashlib.sha256((subject.email.strip().lower() + salt).encode()).hexdigest()
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": f"sha256${digest}",
                "salt": salt,
            }
        )
    return identifiers


def build_credential(data: CredentialData) -> dict:
    """The unsigned OpenBadgeCredential as a JSON-ready dict. Deterministic: the same
    data gives the same JSON (the email's salt derives from the credential id), so
    exporting twice signs the same credential."""
    credential_id = credential_url(data.kind, data.ref)
    achievement = {
        "id": data.achievement.id,
        "type": ["Achievement"],
        "achievementType": data.achievement.achievement_type,
        "name": data.achievement.name,
        "description": data.achievement.description,
        "criteria": {"narrative": data.achievement.criteria},
    }
    if data.achievement.image_url:
        achievement["image"] = {"id": data.achievement.image_url, "type": "Image"}
    salt = hashlib.sha256(credential_id.encode()).hexdigest()[:16]
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data.name or data.achievement.name,
        "issuer": {key: value for key, value in issuer_profile().items() if key != "@context"},
        "validFrom": _iso(data.valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": _identifiers(data.subject, salt=salt),
            "achievement": achievement,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if data.valid_until is not None:
        credential["validUntil"] = _iso(data.valid_until)
    return credential


def parse_credential_url(credential_id: object) -> tuple[str, str] | None:
    """(kind, ref) of one of our credential URLs, else None. Read from the path alone, so
    credentials signed before OPENBADGES_BASE_URL changed still resolve."""
    if not isinstance(credential_id, str):
        return None
    marker = f"{API_PREFIX}/credentials/"
    path = urlsplit(credential_id).path
    if not path.startswith(marker):
        return None
    parts = path[len(marker) :].rstrip("/").split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]
