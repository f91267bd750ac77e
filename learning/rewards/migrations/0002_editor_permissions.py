"""Editor rights on the rewards snippets (XP rules, badges) for the admin role.

XP rules and badges are platform-wide (they are not part of one course), so only the
admin group gets rewards.add/change/delete/view on them; teachers have no Rewards menu
and every rewards snippet URL sends them back to /admin/ (docs/editor-roles.md).

Idempotent like accounts/0005: permissions are fetched with get_or_create and
`permissions.add` skips grants already there; the reverse removes nothing, since it
cannot tell its grants from ones given by hand.
"""

from django.db import migrations

ROLE_GROUPS = ("admin",)
ACTIONS = ("add", "change", "delete", "view")
MODELS = {"xprule": "XP rule", "badge": "badge"}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = []
    for model, verbose in MODELS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="rewards", model=model)
        permissions += [
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose}"},
            )[0]
            for action in ACTIONS
        ]
    for name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0001_initial"),
        ("accounts", "0005_editor_challenge_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
