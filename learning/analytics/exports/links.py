"""The short-lived signed download link of a finished export: the export id, signed
with SECRET_KEY and a timestamp (django.core.signing), good for
ANALYTICS_EXPORT_LINK_SECONDS. The link is the permission: it works without a bearer
token, for whoever holds it, until it expires."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing

_SALT = "learning.analytics.exports.download"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def download_token(export_id) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(export_id))


def export_id_of(token: str) -> uuid.UUID:
    """The export id a valid, unexpired token names; LinkExpired or LinkInvalid."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value = signer.unsign(token, max_age=settings.ANALYTICS_EXPORT_LINK_SECONDS)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise LinkInvalid from None
