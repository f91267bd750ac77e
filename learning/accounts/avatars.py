"""Avatars: a checked, re-encoded rendition stored under a new random name per change
(images.py decodes; the old file is deleted once the change commits), cleared, or moved
to a new name when a profile is taken down (docs/accounts.md, docs/moderation.md)."""

from django.core.files.base import ContentFile
from django.db import transaction

from .images import avatar_rendition


def avatar_set(*, user, upload):
    """Replace the avatar with a checked, re-encoded square rendition of `upload`.
    Needs a verified account (the API checks IsVerified); AvatarBusy when every decode
    slot of this process stays taken (see images.py)."""
    rendition = avatar_rendition(upload)  # raises ValidationError on anything bad
    old_name = user.avatar.name
    with transaction.atomic():
        user.avatar.save(rendition.name, rendition, save=False)
        user.save(update_fields=["avatar"])
        if old_name:
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return user


def avatar_rename(*, user) -> bool:
    """Store the avatar again under a new random name and delete the old file once the
    rename commits: every URL of it given out before stops working (the avatar is a
    public file behind a CDN URL, which no permission check guards). For a profile taken
    down (moderation.py). Returns whether there was a file to move; a name whose file is
    gone is cleared. Call inside the transaction that saves the user."""
    old_name = user.avatar.name
    if not old_name:
        return False
    storage = user.avatar.storage
    try:
        with storage.open(old_name, "rb") as f:
            content = ContentFile(f.read(), name="avatar.webp")
    except FileNotFoundError:
        user.avatar = ""
        return True
    user.avatar.save(content.name, content, save=False)
    transaction.on_commit(lambda: storage.delete(old_name))
    return True


def avatar_clear(*, user):
    old_name = user.avatar.name
    if old_name:
        storage = user.avatar.storage
        with transaction.atomic():
            user.avatar = ""
            user.save(update_fields=["avatar"])
            transaction.on_commit(lambda: storage.delete(old_name))
    return user
