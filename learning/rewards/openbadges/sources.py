"""Where credentials come from: badge awards and certificates, turned into
`CredentialData`, and their revocation status for the verifier."""

from __future__ import annotations

from collections.abc import Callable

STATUS_LOOKUPS: dict[str, Callable[[str], str]] = {}


def credential_status(kind: str, ref: str) -> str:
    """ "valid", "revoked" or "unknown" for the credential `kind`/`ref`."""
    lookup = STATUS_LOOKUPS.get(kind)
    return lookup(ref) if lookup else "unknown"
