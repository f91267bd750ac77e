"""The three roles as Django groups, with their editor (Wagtail) and audit permissions.

student: no editor access at all.
teacher: may enter the Wagtail editor (wagtailadmin.access_admin); what they may edit
         there (the courses they own) is granted by cms' page/collection permissions.
admin:   editor access plus read access to the audit log (auditlog.view_logentry);
         publishing and moderation rights are granted by cms' migration on top.

Permissions are fetched with get_or_create, because on a fresh database Django's
post_migrate hook (which creates default model permissions) has not run yet.
"""

from django.db import migrations

ROLE_GROUPS = ("student", "teacher", "admin")


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    view_logentry = _permission(apps, "auditlog", "logentry", "view_logentry", "Can view log entry")
    groups["teacher"].permissions.add(access_admin)
    groups["admin"].permissions.add(access_admin, view_logentry)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auditlog", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
