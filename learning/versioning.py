"""Optimistic concurrency, one rule for every versioned object a learner edits (a
draft, a project): each write names the version it was based on; the object's version
goes up by one per write; a write based on an older version is refused with the
current one, so two open tabs never overwrite each other (the API answers 409
`version_conflict` with `current_version`: site_config.api.errors.version_conflict_response)."""

from __future__ import annotations


class VersionConflict(Exception):
    """The write was based on an older version: the client must merge or reload."""

    def __init__(self, current_version: int):
        super().__init__(f"stale version; current is {current_version}")
        self.current_version = current_version


def version_check(*, current: int, base: int) -> None:
    """Raise VersionConflict unless `base` is the current version (call it on a row
    locked with select_for_update, inside the write's transaction)."""
    if current != base:
        raise VersionConflict(current)
