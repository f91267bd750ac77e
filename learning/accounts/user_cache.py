"""The user row behind an access token, cached in Redis.

Every authenticated API request needs its user (active? verified? which token
generation?). Reading it from the database costs a round trip, and on a pooled
connection Django's health check adds another; on the hot endpoints (code runs,
progress batches) that was the largest single cost of the request. The row is small
and changes rarely, so it is kept in Redis for AUTH_USER_CACHE_SECONDS.

Correctness comes first: every write to a user drops its entry, through the model's
save/delete signals and explicitly where a queryset update bypasses them
(`invalidate`: the generation bump, Wagtail's bulk "set active state"), both at once
and again when the transaction commits. Each drop also leaves a short-lived marker
that refuses writes of the entry: a request that read the row just before the change
committed cannot put the old row back after it. Revocation stays immediate: "log out
everywhere" bumps the generation and drops the entry, and the next request reads the
new generation from the database. That only holds when every web process sees the
same cache, so the cache exists only with Redis (REDIS_URL); the embedded default
reads the database each time.

The cached row carries the user's roles (learning/accounts/roles.py memoises them on
the instance, and the memo is pickled with it), so a permission check on a warm request
asks no query either. Roles are group memberships, which change without a write to the
user row; every way they change drops the entry like a write does (`on_groups_changed`:
a membership added, removed or cleared from either side; `on_group_changed`: a role
group renamed or deleted, whose memberships go without a signal of their own).
"""

from __future__ import annotations

import functools
import hashlib
import pickle

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save

from site_config.redis import key_prefix, redis_client

from .roles import ROLE_NAMES, user_roles


@functools.cache
def _schema() -> str:
    """Changes when the model or Django does, so a deploy never unpickles old rows."""
    fields = ",".join(f.attname for f in get_user_model()._meta.concrete_fields)
    return hashlib.sha256(f"{django.__version__}:{fields}".encode()).hexdigest()[:12]


def _key(user_id) -> str:
    return f"{key_prefix()}:auth:user:{_schema()}:{user_id}"


# Longer than any request takes between reading the row and caching it.
BLOCK_SECONDS = 10
_SET_UNLESS_BLOCKED = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1
"""


def _block_key(key: str) -> str:
    return f"{key}:changed"


def _enabled():
    return redis_client() if settings.AUTH_USER_CACHE_SECONDS > 0 else None


def user_get(user_id):
    """The user with this id, from the cache or the database; DoesNotExist if none."""
    User = get_user_model()
    client = _enabled()
    if client is None:
        return User.objects.get(pk=user_id)
    key = _key(user_id)
    raw = client.get(key)
    if raw is not None:
        return pickle.loads(raw)  # noqa: S301 - written by this module only, below
    user = User.objects.get(pk=user_id)
    if client.exists(_block_key(key)):
        return user  # changed a moment ago: not cached (the script below would refuse it too)
    user_roles(user)  # memoised on the instance: pickled with it, read by every permission check
    client.eval(
        _SET_UNLESS_BLOCKED,
        2,
        key,
        _block_key(key),
        pickle.dumps(user, pickle.HIGHEST_PROTOCOL),
        settings.AUTH_USER_CACHE_SECONDS,
    )
    return user


def invalidate(user_id) -> None:
    """Forget the cached row now and once more when the current transaction commits."""
    invalidate_many([user_id])


def invalidate_many(user_ids) -> None:
    """`invalidate` for many users: one Redis round trip per thousand, now and on commit."""
    client = _enabled()
    user_ids = list(user_ids)
    if client is None or not user_ids:
        return
    keys = [_key(user_id) for user_id in user_ids]

    def drop():
        for first in range(0, len(keys), 1000):
            pipe = client.pipeline(transaction=False)
            for key in keys[first : first + 1000]:
                pipe.set(_block_key(key), 1, ex=BLOCK_SECONDS)
                pipe.delete(key)
            pipe.execute()

    drop()
    transaction.on_commit(drop)


def on_user_changed(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        invalidate(instance.pk)


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A membership of User.groups changed. Forward (`user.groups.add(...)`) the user is
    `instance`; reverse (`group.user_set.add(...)`) the users are `pk_set`, or for a
    clear every member of the group, read before the rows go."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            invalidate(instance.pk)
    elif action == "pre_clear":
        _invalidate_members(instance)
    elif action != "post_clear":
        invalidate_many(pk_set or ())


def on_group_saving(sender, instance, **kwargs) -> None:
    """Remember a group's stored name before a save, to tell a rename."""
    instance._mrict_stored_name = (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first() if instance.pk else None
    )


def on_group_changed(sender, instance, **kwargs) -> None:
    """A role group was renamed (its name is the role) or is about to be deleted (its
    memberships are deleted with it, with no m2m signal): drop every member. Other
    groups' saves (permissions edited in the admin) change no one's roles."""
    if instance.pk is None:
        return
    names = {instance.name, getattr(instance, "_mrict_stored_name", None) or instance.name}
    renamed_or_deleted = kwargs.get("signal") is not post_save or len(names) > 1
    if renamed_or_deleted and names & ROLE_NAMES:
        _invalidate_members(instance)


def _invalidate_members(group) -> None:
    if _enabled() is None:
        return
    invalidate_many(group.user_set.values_list("pk", flat=True))
