"""The code sandbox service (`manage.py sandbox_server`; the compose service `sandbox`).

It runs hostile code, so it holds no secret of the web app: no database (DATABASES is
empty, so any query fails loudly), no SECRET_KEY from the environment (a random one per
process: it signs nothing), no .env (compose gives it none, and .dockerignore keeps
one out of the image). Its only secret is SANDBOX_TOKEN, required: without it anyone who
reaches the port could run code. Its limits are the SANDBOX_* variables of coding.py."""

import secrets

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(64)
DATABASES = {}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SANDBOX_URL = ""  # this process is the service
SANDBOX_TOKEN = env("SANDBOX_TOKEN", default="")
if not SANDBOX_TOKEN:
    raise ImproperlyConfigured(
        "SANDBOX_TOKEN is not set. The sandbox service needs it (the web app sends it as a "
        "bearer token); set SANDBOX_TOKEN or SANDBOX_TOKEN_FILE. See the env table in README.md."
    )
