"""Editor rights on announcements for the admin role (as projects migration 0002 grants
project templates): the Announcements snippet is shown to whoever holds one of its model
permissions, so admins get it and teachers (who announce through the API, for their own
courses only) do not. Idempotent; the reverse is a no-op."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="announcements", model="announcement")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_announcement",
            defaults={"name": f"Can {action} announcement"},
        )[0]
        for action in ACTIONS
    ]
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0001_initial"),
        ("accounts", "0005_editor_challenge_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
