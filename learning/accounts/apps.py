from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learning.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

        from . import schema  # noqa: F401  (registers the OpenAPI auth scheme)
        from .models import User
        from .user_cache import on_group_changed, on_group_saving, on_groups_changed, on_user_changed

        # The cached user behind access tokens (with its roles) is dropped on every write
        # to a user, to its group memberships, and to a group it belongs to.
        post_save.connect(on_user_changed, sender=User, dispatch_uid="accounts.user_cache.save")
        post_delete.connect(on_user_changed, sender=User, dispatch_uid="accounts.user_cache.delete")
        m2m_changed.connect(
            on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.user_cache.roles"
        )
        pre_save.connect(on_group_saving, sender=Group, dispatch_uid="accounts.user_cache.group_saving")
        post_save.connect(on_group_changed, sender=Group, dispatch_uid="accounts.user_cache.group_save")
        pre_delete.connect(on_group_changed, sender=Group, dispatch_uid="accounts.user_cache.group_delete")

        # An organisation's members changed: told to other apps as a domain event.
        from . import organisations
        from .models import Organisation

        pre_save.connect(organisations.on_user_saving, sender=User, dispatch_uid="accounts.org.saving")
        post_save.connect(organisations.on_user_saved, sender=User, dispatch_uid="accounts.org.saved")
        pre_delete.connect(
            organisations.on_organisation_deleting, sender=Organisation, dispatch_uid="accounts.org.deleting"
        )
        post_delete.connect(
            organisations.on_organisation_deleted, sender=Organisation, dispatch_uid="accounts.org.deleted"
        )

        from django.contrib.auth.signals import user_logged_in

        from .sessions import remember_login

        user_logged_in.connect(remember_login, dispatch_uid="accounts.sessions.remember_login")

        # Who changed which account field when (roles, staff flags, email...). Secrets and
        # noise stay out of the log.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "token_generation", "revoked_sessions"],
            m2m_fields={"groups", "user_permissions"},
        )

        from django.apps import apps

        if apps.is_installed("learning.moderation"):
            from . import moderation

            moderation.connect()
