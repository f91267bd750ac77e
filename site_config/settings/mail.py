"""Email delivery. EMAIL_URL (read in base.py) picks SMTP or the console; EMAIL_BACKEND
overrides the backend, e.g. `anymail.backends.postmark.EmailBackend` for an ESP's HTTP
API through django-anymail, configured by ANYMAIL_* variables (ANYMAIL_POSTMARK_SERVER_TOKEN
becomes ANYMAIL["POSTMARK_SERVER_TOKEN"]; *_FILE variants work like everywhere else).
Mails are always sent from a django-q2 job, never in the request."""

import os

from .env import env

_backend = env("EMAIL_BACKEND", default="")
if _backend:
    EMAIL_BACKEND = _backend

_anymail_names = {
    name.removesuffix("_FILE") for name in os.environ if name.startswith("ANYMAIL_") and name != "ANYMAIL_"
}
ANYMAIL = {name.removeprefix("ANYMAIL_"): env(name) for name in sorted(_anymail_names)}
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
