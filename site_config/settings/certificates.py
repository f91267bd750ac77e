"""Certificates (docs/certificates.md): the public verification URL, serials, limits."""

from .env import env

# The public origin the verification URL (printed and in the QR code) starts with:
# <CERTIFICATE_PUBLIC_BASE_URL>/api/v1/certificates/verify/<code>/
CERTIFICATE_PUBLIC_BASE_URL = env("CERTIFICATE_PUBLIC_BASE_URL", default="http://localhost:8000")
# Serials read <prefix>-<year>-XXXX-XXXX (random, Crockford base32).
CERTIFICATE_SERIAL_PREFIX = env("CERTIFICATE_SERIAL_PREFIX", default="MRICT")
# Public verification lookups per client IP (DRF rate, e.g. 30/min; empty: no limit).
CERTIFICATE_VERIFY_RATE = env("CERTIFICATE_VERIFY_RATE", default="30/min")
# The longest revocation / re-issue reason an admin may give (characters).
CERTIFICATE_REASON_MAX_CHARS = env.int("CERTIFICATE_REASON_MAX_CHARS", default=1000)
# Parsed template stylesheets kept per process (the render's CSS cache).
CERTIFICATE_CSS_CACHE_SIZE = env.int("CERTIFICATE_CSS_CACHE_SIZE", default=32)
