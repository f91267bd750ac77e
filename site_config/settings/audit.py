"""The audit log (learning/audit, docs/audit-log.md) and the admin's security
(second factor, session idle expiry: docs/admin-security.md).

Every value is an environment variable with a default (README env table)."""

from .env import env

# One append-only table holds every audit entry: django-auditlog's model diffs and our
# explicit events (logins, revocations, exports, ...), so it is django-auditlog's model.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# The request id (X-Request-ID, site_config/middleware.py) is the entries' correlation id.
AUDITLOG_CID_GETTER = "learning.audit.context.current_request_id"
AUDITLOG_STORE_JSON_CHANGES = True
# Entries older than this many days are deleted by the daily purge job (itself audited);
# 0 keeps everything.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Most rows of one CSV export (newest first, after the filters).
AUDIT_EXPORT_MAX_ROWS = env.int("AUDIT_EXPORT_MAX_ROWS", default=100_000)

# The Wagtail editor and Django admin need a second factor (TOTP or a recovery code)
# after the password, for every account that can reach them.
ADMIN_2FA_REQUIRED = env.bool("ADMIN_2FA_REQUIRED", default=True)
# Issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Mr ICT")
# Recovery codes made at enrolment (each works once).
ADMIN_RECOVERY_CODES = env.int("ADMIN_RECOVERY_CODES", default=10)
# Editor/admin sessions end after this many minutes without a request (sliding expiry:
# the session is saved on every request, the cookie and the server-side row alike).
# The API's JWTs are not sessions and are not affected.
ADMIN_SESSION_IDLE_MINUTES = env.int("ADMIN_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = ADMIN_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
