"""Editor rights on certificate templates for the admin role (as projects migration 0002
does for project templates): the Certificate templates snippet shows to whoever holds
one of its model permissions. Teachers do not design the platform's certificates.
Idempotent; the reverse is a no-op (it cannot tell its grants from ones given by hand)."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="certificates", model="certificatetemplate")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_certificatetemplate",
            defaults={"name": f"Can {action} certificate template"},
        )[0]
        for action in ACTIONS
    ]
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
