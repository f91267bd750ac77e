from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learning.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from auditlog.registry import auditlog

        from . import schema  # noqa: F401  (registers the OpenAPI auth scheme)
        from .models import User

        # Who changed which account field when (roles, staff flags, email...). Secrets and
        # noise stay out of the log.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "token_generation"],
            m2m_fields={"groups"},
        )
