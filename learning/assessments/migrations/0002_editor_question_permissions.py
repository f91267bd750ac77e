"""Editor rights on the question bank for the teacher and admin roles (the same grant
as accounts 0005 for challenges): both groups get assessments.add/change/delete/
view_question; which questions a teacher may list, open, change or delete (those of the
courses they own; the site-wide bank is admins') is decided per object by
learning.assessments.editor.QuestionPermissionPolicy. Idempotent; the reverse removes
nothing (it cannot tell these grants from ones given by hand). Also: a response's
question and version are RESTRICT rather than PROTECT (Python-level only), so deleting a
course deletes its attempts and questions together."""

import django.db.models.deletion
from django.db import migrations, models

ROLE_GROUPS = ("teacher", "admin")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="assessments", model="question")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_question",
            defaults={"name": f"Can {action} question"},
        )[0]
        for action in ACTIONS
    ]
    for name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("accounts", "0005_editor_challenge_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        # RESTRICT (was PROTECT): a used question still goes with its deleted course.
        migrations.AlterField(
            model_name="response",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT, related_name="responses", to="assessments.question"
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="responses",
                to="assessments.questionversion",
            ),
        ),
    ]
