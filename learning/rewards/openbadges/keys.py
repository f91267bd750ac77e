"""The issuer's key set: the active signing key and the retired keys that still verify.

Keys come from settings as PEM text (OPENBADGES_SIGNING_KEY, OPENBADGES_RETIRED_KEYS);
Ed25519 keys sign as `EdDSA`, EC P-256 keys as `ES256`, nothing else is accepted. A key's
id is its RFC 7638 JWK thumbprint, so the id follows from the key itself: rotating
means moving the old key into OPENBADGES_RETIRED_KEYS and setting a new active key,
and a credential names its key by thumbprint whatever the base URL was when it was
signed. In a JWT header, and in the published JWKS, the `kid` is the key's URL
(`<base>/api/v1/openbadges/keys/<thumbprint>/`), which dereferences to the JWK as
Open Badges 3.0 asks of a `kid`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)
THUMBPRINT = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 digest


@dataclass(frozen=True)
class IssuerKey:
    thumbprint: str
    alg: str  # "EdDSA" or "ES256"
    public_key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey = field(repr=False)
    private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | None = field(
        default=None, repr=False
    )

    def public_jwk(self) -> dict:
        """The public key as a JWK (RFC 7517), without `kid`/`alg`/`use`."""
        if self.alg == "EdDSA":
            return OKPAlgorithm.to_jwk(self.public_key, as_dict=True)
        return ECAlgorithm.to_jwk(self.public_key, as_dict=True)


@dataclass(frozen=True)
class KeySet:
    active: IssuerKey | None
    keys: dict[str, IssuerKey]  # thumbprint -> key, active and retired

    def get(self, thumbprint: str) -> IssuerKey | None:
        return self.keys.get(thumbprint)


def thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 over the required members, sorted, no whitespace; base64url."""
    members = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: jwk[m] for m in members}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _key(private_key, public_key, *, where: str) -> IssuerKey:
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        alg = "EdDSA"
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        alg = "ES256"
    else:
        raise ImproperlyConfigured(f"{where}: only Ed25519 and EC P-256 keys can sign Open Badges.")
    key = IssuerKey(thumbprint="", alg=alg, public_key=public_key, private_key=private_key)
    return IssuerKey(
        thumbprint=thumbprint(key.public_jwk()), alg=alg, public_key=public_key, private_key=private_key
    )


def parse_keys(text: str, *, where: str) -> list[IssuerKey]:
    """Every PEM block of `text` (private or public keys), in order. Literal `\\n` (an
    environment variable written on one line) counts as a line break."""
    text = text.replace("\\n", "\n")
    blocks = [match.group(0) for match in _PEM_BLOCK.finditer(text)]
    if text.strip() and not blocks:
        raise ImproperlyConfigured(f"{where}: no PEM key found (expected -----BEGIN ... KEY----- blocks).")
    keys = []
    for block in blocks:
        try:
            if "PRIVATE" in block.split("\n", 1)[0]:
                private_key = serialization.load_pem_private_key(block.encode(), password=None)
                keys.append(_key(private_key, private_key.public_key(), where=where))
            else:
                keys.append(_key(None, serialization.load_pem_public_key(block.encode()), where=where))
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{where}: a PEM block is not a usable key ({exc}).") from None
    return keys


def build_keyset(signing_pem: str, retired_pem: str = "") -> KeySet:
    signing = parse_keys(signing_pem, where="OPENBADGES_SIGNING_KEY")
    if len(signing) > 1:
        raise ImproperlyConfigured(
            "OPENBADGES_SIGNING_KEY: give one key; older ones go in OPENBADGES_RETIRED_KEYS."
        )
    if signing and signing[0].private_key is None:
        raise ImproperlyConfigured("OPENBADGES_SIGNING_KEY: a private key is needed to sign.")
    active = signing[0] if signing else None
    keys: dict[str, IssuerKey] = {}
    for key in parse_keys(retired_pem, where="OPENBADGES_RETIRED_KEYS"):
        # a retired key never signs again, even if its private half was pasted
        keys[key.thumbprint] = IssuerKey(thumbprint=key.thumbprint, alg=key.alg, public_key=key.public_key)
    if active:
        keys[active.thumbprint] = active
    return KeySet(active=active, keys=keys)


@lru_cache(maxsize=4)
def _cached_keyset(signing_pem: str, retired_pem: str) -> KeySet:
    return build_keyset(signing_pem, retired_pem)


def current_keyset() -> KeySet:
    """The key set of the current settings (parsed once per distinct setting values)."""
    return _cached_keyset(settings.OPENBADGES_SIGNING_KEY, settings.OPENBADGES_RETIRED_KEYS)
