"""The demo teacher in the editor, as a newcomer meets it after `make run`: the
Challenges menu is there and lists the demo challenges of the course they own. And the
migration that grants the role groups their challenge permissions is idempotent."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.html import escape
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db

CHALLENGE_PERMS = {"add_challenge", "change_challenge", "delete_challenge", "view_challenge"}


def _challenge_perms(group_name):
    return set(
        Group.objects.get(name=group_name)
        .permissions.filter(content_type__app_label="coding")
        .values_list("codename", flat=True)
    )


def test_demo_teacher_has_the_challenges_menu(client, course_index):
    from learning.coding.models import Challenge

    for loader in ("learning.accounts.demo.load", "cms.demo.load", "learning.coding.demo.load"):
        import_string(loader)()
    teacher = get_user_model().objects.get(email="teacher@mrict.local")
    client.force_login(teacher)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert b'"name": "challenges"' in home.content
    listing = client.get("/admin/snippets/coding/challenge/")
    assert listing.status_code == 200
    titles = list(Challenge.objects.values_list("title", flat=True))
    assert titles and all(escape(title) in listing.content.decode() for title in titles)


def test_role_permission_migration_is_idempotent():
    migration = importlib.import_module("learning.accounts.migrations.0005_editor_challenge_permissions")
    assert _challenge_perms("teacher") == CHALLENGE_PERMS == _challenge_perms("admin")
    assert _challenge_perms("student") == set()
    before = set(Permission.objects.values_list("pk", flat=True))

    migration.grant(global_apps, None)  # again, on a database where the grants exist
    assert _challenge_perms("teacher") == CHALLENGE_PERMS == _challenge_perms("admin")
    assert set(Permission.objects.values_list("pk", flat=True)) == before  # no duplicate rows

    Group.objects.get(name="teacher").permissions.remove(
        *Permission.objects.filter(codename__in={"change_challenge", "view_challenge"})
    )
    migration.grant(global_apps, None)  # restores exactly what is missing
    assert _challenge_perms("teacher") == CHALLENGE_PERMS
    assert _challenge_perms("student") == set()
