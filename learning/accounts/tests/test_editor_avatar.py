"""The avatar the Wagtail editor shows (its `avatar_url` tag, used by the header, the
sidebar and every listing): the one uploaded to the platform, else an avatar uploaded in
the editor's account settings, else Wagtail's default picture. Never Gravatar, which an
offline school network cannot reach (docs/authoring.md, "Works offline"). The browser
test tests/test_browser_offline.py sees the same avatars load in a real editor."""

import pytest
from django.core.files.base import ContentFile
from django.templatetags.static import static
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url
from wagtail.users.models import UserProfile

from learning.accounts import avatars

from .images import image_bytes

pytestmark = pytest.mark.django_db

DEFAULT_AVATAR = static("wagtailadmin/images/default-user-avatar.png")


def test_without_an_upload_the_editor_shows_wagtails_default_avatar_not_gravatar(teacher):
    for size in (25, 50, 80):
        url = avatar_url(teacher, size=size)
        assert url.split("?")[0] == DEFAULT_AVATAR
        assert "gravatar" not in url
    # The account settings' "default avatar" preview too.
    assert avatar_url(teacher, size=70, gravatar_only=True).split("?")[0] == DEFAULT_AVATAR


def test_the_editor_shows_the_avatar_uploaded_to_the_platform(teacher):
    avatars.avatar_set(user=teacher, upload=ContentFile(image_bytes((40, 40)), name="me.png"))
    assert teacher.avatar.url.startswith("/media/avatars/")
    assert avatar_url(teacher, size=50) == teacher.avatar.url


def test_the_platform_avatar_comes_before_one_uploaded_in_the_editor(teacher):
    profile = UserProfile.get_for_user(teacher)
    profile.avatar.save("editor.png", ContentFile(image_bytes((40, 40))), save=True)
    assert avatar_url(teacher) == profile.avatar.url  # no platform avatar yet: Wagtail's

    avatars.avatar_set(user=teacher, upload=ContentFile(image_bytes((40, 40)), name="me.png"))
    assert avatar_url(teacher) == teacher.avatar.url
