"""CORS: an explicit allow-list from the environment, never allow-all."""

from .env import env

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = False
CORS_URLS_REGEX = r"^/(api|health)/.*$"
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]
