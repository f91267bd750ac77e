"""Editor rights on coding challenges for the teacher and admin roles.

The Challenges snippet (learning/coding/wagtail_hooks.py) is shown to whoever holds one
of its model permissions; until now no role group held any, so teachers (and admins by
group rather than superuser) had no Challenges menu and every snippet URL sent them
back to /admin/. Both groups get coding.add/change/delete/view_challenge. Which
challenges a teacher may actually list, open, change or delete (those of the courses
they own) is decided per object by learning.coding.editor.ChallengePermissionPolicy.

Idempotent: permissions are fetched with get_or_create (on a fresh database Django's
post_migrate hook has not created them yet) and `permissions.add` skips grants that are
already there, so running it again, or on a database where an admin already granted
them by hand, changes nothing. The reverse is a no-op for the same reason: it cannot
tell the grants it made from ones given by hand in the Groups screen, so it removes
neither.
"""

from django.db import migrations

ROLE_GROUPS = ("teacher", "admin")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="coding", model="challenge")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_challenge",
            defaults={"name": f"Can {action} challenge"},
        )[0]
        for action in ACTIONS
    ]
    for name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_revoked_sessions"),
        ("coding", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
