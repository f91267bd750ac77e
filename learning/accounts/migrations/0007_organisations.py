"""Organisations (schools): the model, `User.organisation`, and the admin group's model
permissions on it, so admins see the Organisations snippet in the editor (teachers and
students do not). The grant is idempotent; its reverse is a no-op."""

import django.db.models.deletion
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="organisation")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_organisation",
            defaults={"name": f"Can {action} organisation"},
        )[0]
        for action in ACTIONS
    ]
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_loginlock"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True)),
                (
                    "slug",
                    models.SlugField(help_text="A short name for URLs and imports.", max_length=100, unique=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["name", "pk"]},
        ),
        migrations.AddField(
            model_name="user",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="members",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
