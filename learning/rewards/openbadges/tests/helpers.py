"""Keys and credentials for the Open Badges tests: real keys, made per test run."""

from __future__ import annotations

import base64
import datetime as dt
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from ..credentials import AchievementData, CredentialData, SubjectData, build_credential


def ed25519_pem() -> str:
    return _private_pem(ed25519.Ed25519PrivateKey.generate())


def p256_pem() -> str:
    return _private_pem(ec.generate_private_key(ec.SECP256R1()))


def _private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sample_credential(
    *, kind="badge-award", ref="1", valid_until: dt.datetime | None = None, **achievement
) -> dict:
    return build_credential(
        CredentialData(
            kind=kind,
            ref=ref,
            achievement=AchievementData(
                **{
                    "id": "http://testserver/badges/first-steps",
                    "name": "First steps",
                    "description": "Completed a first lesson.",
                    "criteria": "Complete any lesson.",
                    "achievement_type": "Badge",
                    **achievement,
                }
            ),
            subject=SubjectData(name="Ada Lovelace", email="ada@example.test"),
            valid_from=dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC),
            valid_until=valid_until,
        )
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tamper_payload(token: str, change) -> str:
    """The same header and signature over a changed payload (`change(payload)` edits it)."""
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    change(claims)
    return ".".join([header, _b64(json.dumps(claims, separators=(",", ":")).encode()), signature])


def tamper_header(token: str, change) -> str:
    header, payload, signature = token.split(".")
    fields = json.loads(_unb64(header))
    change(fields)
    return ".".join([_b64(json.dumps(fields).encode()), payload, signature])


def flip_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(_unb64(signature))
    raw[0] ^= 0x01
    return ".".join([header, payload, _b64(bytes(raw))])
