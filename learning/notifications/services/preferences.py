"""Per user, per notification type and channel: on or off. No row = the type's default
(registry.py); type "*" = every type of that channel. The latest choice wins: turning a
channel off for every type (the unsubscribe-from-all link) also drops the user's
per-type rows of that channel, and a per-type row set afterwards overrides the "*" one."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from .. import channels as channel_registry
from ..models import ALL_TYPES, NotificationPreference
from ..registry import NOTIFICATION_TYPES
from ..tokens import unsubscribe_token_read


@dataclass(frozen=True)
class PreferenceChange:
    type: str
    channel: str
    enabled: bool


def preferences_for_user(*, user) -> dict:
    """The effective choice for every registered type and available channel (one query):
    `{"channels": [...], "all_types": {channel: bool|None}, "types": [{key, label,
    description, channels: {channel: bool}}]}`."""
    names = channel_registry.channel_names()
    rows = {
        (t, c): enabled
        for t, c, enabled in NotificationPreference.objects.filter(user=user, channel__in=names).values_list(
            "type", "channel", "enabled"
        )
    }
    types = []
    for key, kind in NOTIFICATION_TYPES.items():
        effective = {}
        for channel in names:
            if (key, channel) in rows:
                effective[channel] = rows[(key, channel)]
            elif (ALL_TYPES, channel) in rows:
                effective[channel] = rows[(ALL_TYPES, channel)]
            else:
                effective[channel] = kind.default_for(channel)
        types.append(
            {"key": key, "label": kind.label, "description": kind.description, "channels": effective}
        )
    return {
        "channels": names,
        "all_types": {channel: rows.get((ALL_TYPES, channel)) for channel in names},
        "types": types,
    }


def preferences_update(*, user, changes: list[PreferenceChange]) -> dict:
    """Apply `changes` (all or none: an unknown type or channel is a ValidationError
    naming the item) and return the effective preferences."""
    names = channel_registry.channel_names()
    errors = {}
    for index, change in enumerate(changes):
        if change.type != ALL_TYPES and change.type not in NOTIFICATION_TYPES:
            errors[f"preferences.{index}.type"] = ValidationError(
                f"Unknown notification type {change.type[:64]!r}.", code="unknown_type"
            )
        if change.channel not in names:
            errors[f"preferences.{index}.channel"] = ValidationError(
                f"Unknown or unavailable channel {change.channel[:32]!r}.", code="unknown_channel"
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for change in changes:
            _preference_set(user_id=user.pk, type=change.type, channel=change.channel, enabled=change.enabled)
    return preferences_for_user(user=user)


def _preference_set(*, user_id: int, type: str, channel: str, enabled: bool) -> None:  # noqa: A002
    if type == ALL_TYPES:
        NotificationPreference.objects.filter(user_id=user_id, channel=channel).exclude(
            type=ALL_TYPES
        ).delete()
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=user_id, type=type, channel=channel, enabled=enabled)],
        update_conflicts=True,
        unique_fields=["user", "type", "channel"],
        update_fields=["enabled", "updated_at"],
    )


# --- unsubscribe links ---


@dataclass(frozen=True)
class UnsubscribeScope:
    user_id: int
    type: str  # a registered type, or "*"
    channel: str
    subscribed: bool  # the current effective choice (for "*": any type still on)


def _scope_of(token: str):
    read = unsubscribe_token_read(token)
    if read is None:
        return None
    user_id, type_, channel = read
    if type_ != ALL_TYPES and type_ not in NOTIFICATION_TYPES:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return user, type_, channel


def unsubscribe_scope(*, token: str) -> UnsubscribeScope | None:
    """What a genuine token turns off and whether it is on now; None for a forged,
    tampered or stale token (unknown type, user gone)."""
    scope = _scope_of(token)
    if scope is None:
        return None
    user, type_, channel = scope
    prefs = preferences_for_user(user=user)
    if channel not in prefs["channels"]:
        subscribed = False
    elif type_ == ALL_TYPES:
        subscribed = any(t["channels"][channel] for t in prefs["types"])
    else:
        subscribed = next(t["channels"][channel] for t in prefs["types"] if t["key"] == type_)
    return UnsubscribeScope(user_id=user.pk, type=type_, channel=channel, subscribed=subscribed)


def unsubscribe_apply(*, token: str) -> UnsubscribeScope | None:
    """Turn off what the token names (idempotent); None for a token that is not genuine."""
    scope = _scope_of(token)
    if scope is None:
        return None
    user, type_, channel = scope
    with transaction.atomic():
        _preference_set(user_id=user.pk, type=type_, channel=channel, enabled=False)
    return UnsubscribeScope(user_id=user.pk, type=type_, channel=channel, subscribed=False)
