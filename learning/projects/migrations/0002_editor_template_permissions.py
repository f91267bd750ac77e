"""Editor rights on project templates for the teacher and admin roles (the same way as
accounts migration 0005 grants coding challenges): the Project templates snippet is
shown to whoever holds one of its model permissions. Idempotent; the reverse is a no-op
(it cannot tell its grants from ones given by hand)."""

from django.db import migrations

ROLE_GROUPS = ("teacher", "admin")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="projects", model="projecttemplate")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_projecttemplate",
            defaults={"name": f"Can {action} project template"},
        )[0]
        for action in ACTIONS
    ]
    for name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("accounts", "0005_editor_challenge_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
