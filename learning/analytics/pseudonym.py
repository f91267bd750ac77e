"""The pseudonymous actor id: the only thing about a person an analytics event holds.

HMAC-SHA256 of the user id under ANALYTICS_PSEUDONYM_KEY (SECRET_KEY when unset),
first 32 hex characters. Stable for a user (rollups count distinct actors), not
reversible without the key, and not a user id (an exported or forwarded event names
nobody). Rotating the key starts new pseudonyms: counts of distinct learners across
the rotation are then off, which is why the key is its own setting.
"""

import hashlib
import hmac

from django.conf import settings

LENGTH = 32


def _key() -> bytes:
    return (settings.ANALYTICS_PSEUDONYM_KEY or settings.SECRET_KEY).encode()


def actor_id(user_id: int) -> str:
    return hmac.new(_key(), f"user:{int(user_id)}".encode(), hashlib.sha256).hexdigest()[:LENGTH]
