"""Local development: DEBUG on, the local front-end origins allowed, a signing key of
this checkout's own."""

from .base import *  # noqa: F403
from .env import BASE_DIR, env, local_secret, local_signing_key

DEBUG = env.bool("DEBUG", default=True)
# SECRET_KEY (and so the JWT signing key, unless JWT_SIGNING_KEY is set) from the
# environment, else a long random key made on first start and kept in .dev-secret-key
# (git-ignored). A short shared default would make PyJWT warn on every request
# (InsecureKeyLengthWarning: HS256 wants 32+ bytes) and sign with a key anyone can read.
SECRET_KEY = env("SECRET_KEY", default="") or local_secret(BASE_DIR / ".dev-secret-key")
CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS",
    default=["http://localhost:3000", "http://127.0.0.1:3000", "http://localhost:5173"],
)
# Open Badges: with no OPENBADGES_SIGNING_KEY, an Ed25519 key of this checkout's own,
# made on first start and kept in .dev-openbadges-key.pem (git-ignored, 0600).
OPENBADGES_SIGNING_KEY = env("OPENBADGES_SIGNING_KEY", default="") or local_signing_key(
    BASE_DIR / ".dev-openbadges-key.pem"
)
