"""A learner's drafts: saved with optimistic concurrency (version + 409), a kept history,
reset to the starter files, restore."""

from __future__ import annotations

from django.conf import settings

from learning.versioning import VersionConflict

from ..rules import (
    file_language,
    is_file_name,
    is_text,
)


class DraftConflict(VersionConflict):
    """The save was based on an older version: the client must merge or reload (the
    shared rule of learning/versioning.py)."""


def draft_files_clean(files) -> list[dict]:
    """Text files within DRAFT_MAX_FILE_BYTES each, DRAFT_MAX_FILES and DRAFT_MAX_BYTES
    in all, unique names. Raises a DRF ValidationError naming the file."""
    from rest_framework.exceptions import ValidationError

    if not isinstance(files, list):
        raise ValidationError({"files": ["Expected a list of files."]}, code="invalid")
    if len(files) > settings.DRAFT_MAX_FILES:
        raise ValidationError(
            {"files": [serializers_error(f"At most {settings.DRAFT_MAX_FILES} files.", "too_many")]}
        )
    clean, names, total = [], set(), 0
    for i, item in enumerate(files):
        name, content = item.get("name"), item.get("content")
        language = file_language(name, item.get("language") or "") if isinstance(name, str) else ""
        if not is_file_name(name):
            raise ValidationError(
                {f"files.{i}.name": [serializers_error("Not a valid file name.", "invalid_name")]}
            )
        if name in names:
            raise ValidationError(
                {f"files.{i}.name": [serializers_error("File names must be unique.", "duplicate")]}
            )
        if not isinstance(content, str) or not is_text(content):
            raise ValidationError(
                {
                    f"files.{i}.content": [
                        serializers_error("Files must be text (no binary content).", "binary")
                    ]
                }
            )
        size = len(content.encode())
        if size > settings.DRAFT_MAX_FILE_BYTES:
            raise ValidationError(
                {
                    f"files.{i}.content": [
                        serializers_error(
                            f"{name} is {size} bytes; the limit per file is {settings.DRAFT_MAX_FILE_BYTES}.",
                            "file_too_large",
                        )
                    ]
                }
            )
        total += size
        names.add(name)
        clean.append({"name": name, "language": str(language)[:30], "content": content})
    if total > settings.DRAFT_MAX_BYTES:
        raise ValidationError(
            {
                "files": [
                    serializers_error(
                        f"The draft is {total} bytes; the limit is {settings.DRAFT_MAX_BYTES}.", "too_large"
                    )
                ]
            }
        )
    return clean


def serializers_error(message: str, code: str):
    from rest_framework.exceptions import ErrorDetail

    return ErrorDetail(message, code=code)


def _draft_record(*, draft, files: list[dict], origin: str) -> None:
    from ..models import DraftVersion

    DraftVersion.objects.create(draft=draft, version=draft.version, files=files, origin=origin)
    keep = max(1, settings.DRAFT_HISTORY)
    stale = list(
        DraftVersion.objects.filter(draft=draft).order_by("-version").values_list("pk", flat=True)[keep:]
    )
    if stale:
        DraftVersion.objects.filter(pk__in=stale).delete()


def _draft_write(*, user, lesson, base_version: int, files: list[dict], origin: str):
    from django.db import transaction

    from ..models import Draft

    with transaction.atomic():
        draft, _ = Draft.objects.get_or_create(user=user, lesson=lesson, defaults={"files": [], "version": 0})
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.version != base_version:
            raise DraftConflict(draft.version)
        draft.files = files
        draft.version += 1
        draft.save(update_fields=["files", "version", "updated_at"])
        _draft_record(draft=draft, files=files, origin=origin)
    return draft


def draft_save(*, user, lesson, files, base_version: int):
    """Save the learner's files if `base_version` is the current version (0 before the
    first save); otherwise DraftConflict with the current version. Keeps history."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=draft_files_clean(files), origin="save"
    )


def draft_reset(*, user, lesson, base_version: int):
    """Back to the lesson's starter code, as a new version (the old one stays restorable)."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=lesson.starter_files(), origin="reset"
    )


def draft_restore(*, user, lesson, version, base_version: int):
    """An earlier saved state, as a new version."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=version.files, origin="restore"
    )
