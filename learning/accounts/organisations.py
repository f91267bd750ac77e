"""Organisation membership changes, told to other apps (docs/accounts.md#organisations).

A user's organisation lives on the user row and changes in three places: Django admin's
user form, the Wagtail organisation snippet (its members list) and an organisation's
deletion (the foreign key is SET_NULL: the rows change by one UPDATE, with no save
signal). Each publishes `OrganisationMembershipChanged` after commit, once per change
(analytics files the moved learners' signups and retention cohorts under the new
organisation). A deletion also drops its members from the user cache: a cached
organisation admin must not keep reading an organisation that is gone.

Whether a save changed the organisation is known without a query: `User.from_db` and
every save remember the organisation the row holds (`remember`); only an instance that
never saw its row's value (the field deferred) reads it before saving.
"""

from __future__ import annotations

from django.utils import timezone

SAVED = "_saved_organisation_id"
_UNKNOWN = object()


def remember(user) -> None:
    """Note the organisation the database row holds now (after a load or a save)."""
    if "organisation_id" in user.__dict__:  # absent when the field is deferred
        setattr(user, SAVED, user.__dict__["organisation_id"])


def _writes_organisation(update_fields) -> bool:
    # by field name, or by column name (Django's own list when fields were deferred)
    return update_fields is None or not {"organisation", "organisation_id"}.isdisjoint(update_fields)


def on_user_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or getattr(instance, SAVED, _UNKNOWN) is not _UNKNOWN:
        return
    if not _writes_organisation(update_fields):
        return
    row = sender._base_manager.filter(pk=instance.pk).values_list("organisation_id", flat=True)
    setattr(instance, SAVED, row.first())


def on_user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not _writes_organisation(update_fields):
        return
    before = getattr(instance, SAVED, _UNKNOWN)
    remember(instance)
    if created or before is _UNKNOWN or before == instance.organisation_id:
        return
    _publish([instance.pk], instance.organisation_id)


def on_organisation_deleting(sender, instance, **kwargs) -> None:
    instance._member_ids = list(instance.members.values_list("pk", flat=True))


def on_organisation_deleted(sender, instance, **kwargs) -> None:
    from .user_cache import invalidate_many

    members = getattr(instance, "_member_ids", [])
    if members:
        invalidate_many(members)
        _publish(members, None)


def _publish(user_ids: list[int], organisation_id: int | None) -> None:
    from learning.events import OrganisationMembershipChanged, bus

    bus.publish(
        OrganisationMembershipChanged(
            user_ids=list(user_ids), organisation_id=organisation_id, occurred_at=timezone.now()
        )
    )
