"""Open Badges 3.0 export (learning/rewards/openbadges, docs/open-badges.md): the issuer
profile, the signing keys and the limits of the public verify endpoint.

Keys are PEM text (Ed25519, or EC P-256 for ES256); each also as `NAME_FILE` (a path,
e.g. a Docker secret). The active key signs; retired keys (public or private PEM blocks,
one after the other) only verify, so credentials signed before a rotation keep
verifying. Key ids are the keys' RFC 7638 thumbprints: nothing else to configure.
With no key, dev makes one on first start (`.dev-openbadges-key.pem`, git-ignored, 0600);
prod and test sign nothing until one is set (exports answer 503 `openbadges_disabled`)."""

from .env import env

OPENBADGES_SIGNING_KEY = env("OPENBADGES_SIGNING_KEY", default="")
OPENBADGES_RETIRED_KEYS = env("OPENBADGES_RETIRED_KEYS", default="")
# Absolute base URL of this API as the world sees it: credential, issuer and key ids are
# URLs under it. Default: the editor's base URL (the same server).
OPENBADGES_BASE_URL = env("OPENBADGES_BASE_URL", default="").rstrip("/")
OPENBADGES_ISSUER_NAME = env("OPENBADGES_ISSUER_NAME", default="Mr ICT")
# The issuer's home page (Profile.url); default: the front end.
OPENBADGES_ISSUER_URL = env("OPENBADGES_ISSUER_URL", default="") or env(
    "FRONTEND_BASE_URL", default="http://localhost:3000"
)
OPENBADGES_ISSUER_EMAIL = env("OPENBADGES_ISSUER_EMAIL", default="")
# The public verify endpoint: largest credential (compact JWT, bytes) and calls per IP.
OPENBADGES_VERIFY_MAX_BYTES = env.int("OPENBADGES_VERIFY_MAX_BYTES", default=16_384)
OPENBADGES_THROTTLE_VERIFY = env("OPENBADGES_THROTTLE_VERIFY", default="60/min")
