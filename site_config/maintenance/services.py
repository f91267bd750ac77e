"""Maintenance use cases (the jobs in tasks.py call these; setup_schedules runs them)."""

import logging
import posixpath
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

log = logging.getLogger("mrict.maintenance")

BATCH = 500


# --- sessions ------------------------------------------------------------------------


def sessions_clear_expired() -> dict[str, int | None]:
    """Django's own `clear_expired` of the configured session engine; with the
    database engine the count of rows it removed (other engines expire by themselves)."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    count = None
    if settings.SESSION_ENGINE.endswith(("sessions.backends.db", "sessions.backends.cached_db")):
        from django.contrib.sessions.models import Session

        count = Session.objects.filter(expire_date__lt=timezone.now()).count()
    engine.SessionStore.clear_expired()
    log.info("expired sessions cleared", extra={"removed": count})
    return {"sessions": count}


# --- revisions -----------------------------------------------------------------------


def _protected_revision_ids() -> set[int]:
    """Revisions never pruned: every object's latest and live revision, one approved to
    go live at a date (scheduled publishing) and any a workflow task points at."""
    from wagtail.models import DraftStateMixin, Revision, RevisionMixin, TaskState

    protected = set(Revision.objects.filter(approved_go_live_at__isnull=False).values_list("pk", flat=True))
    protected |= set(TaskState.objects.values_list("revision_id", flat=True))
    for model in apps.get_models():
        if model._meta.proxy or model._meta.abstract:
            continue
        fields = []
        if issubclass(model, RevisionMixin) and "latest_revision" in {
            f.name for f in model._meta.concrete_fields
        }:
            fields.append("latest_revision_id")
        if issubclass(model, DraftStateMixin) and "live_revision" in {
            f.name for f in model._meta.concrete_fields
        }:
            fields.append("live_revision_id")
        for field in fields:
            # Only the table that holds the column (a Page subclass inherits Page's).
            if model._meta.get_field(field.removesuffix("_id")).model is not model:
                continue
            protected |= set(model._default_manager.exclude(**{field: None}).values_list(field, flat=True))
    protected.discard(None)
    return protected


def revisions_prune(*, keep: int | None = None) -> dict[str, int]:
    """Delete each page's and snippet's revisions beyond the `keep` newest
    (REVISIONS_KEEP), sparing the protected ones (_protected_revision_ids)."""
    from wagtail.models import Revision

    keep = settings.REVISIONS_KEEP if keep is None else keep
    if keep < 1:
        raise ValueError("keep at least one revision per object")
    ranked = Revision.objects.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("base_content_type_id"), F("object_id")],
            order_by=[F("created_at").desc(), F("pk").desc()],
        )
    ).filter(rank__gt=keep)
    candidates = list(ranked.values_list("pk", flat=True))
    protected = _protected_revision_ids()
    doomed = [pk for pk in candidates if pk not in protected]
    removed = 0
    for start in range(0, len(doomed), BATCH):
        with transaction.atomic():
            removed += (
                Revision.objects.filter(pk__in=doomed[start : start + BATCH])
                .delete()[1]
                .get(Revision._meta.label, 0)
            )
    log.info("old revisions pruned", extra={"removed": removed, "kept_per_object": keep})
    return {"revisions": removed, "spared": len(candidates) - len(doomed)}


# --- media files nobody references ----------------------------------------------------


def _referenced_files() -> tuple[set[str], set[str]]:
    """Every name a FileField (images, renditions, documents, avatars, recordings,
    certificates, ...) of any row holds, and the folders of HLS playlists (whose
    segments the playlist names, not a row)."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.model is model:
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    folders = {posixpath.dirname(name) + "/" for name in names if name.endswith(".m3u8")}
    return names, folders


def _skipped_prefixes() -> list[str]:
    from learning.recordings.services import upload_dir

    prefixes = [settings.TUTOR_INDEX_STORAGE_PREFIX, "health", *settings.MEDIA_ORPHAN_SKIP_PREFIXES]
    try:  # the unfinished uploads, when they live under the media folder
        relative = upload_dir().resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
        prefixes.append(relative.as_posix())
    except ValueError:
        pass
    return [p.strip("/") + "/" for p in prefixes if p.strip("/")]


def _walk(storage, folder: str = ""):
    dirs, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name) if folder else name
    for sub in dirs:
        yield from _walk(storage, posixpath.join(folder, sub) if folder else sub)


def media_orphans_remove(*, grace_hours: int | None = None, storage=None) -> dict[str, int]:
    """Delete files of the media storage that no row references and that are older
    than the grace period (MEDIA_ORPHAN_GRACE_HOURS: an upload in flight has no row
    yet). Skips the folders other code owns (_skipped_prefixes)."""
    storage = storage or default_storage
    grace = timedelta(hours=settings.MEDIA_ORPHAN_GRACE_HOURS if grace_hours is None else grace_hours)
    cutoff = timezone.now() - grace
    skipped = _skipped_prefixes()
    referenced, hls_folders = _referenced_files()
    candidates, kept_young, scanned = [], 0, 0
    for name in _walk(storage):
        if any(name.startswith(prefix) for prefix in skipped):
            continue
        scanned += 1
        if name in referenced or any(name.startswith(folder) for folder in hls_folders):
            continue
        if storage.get_modified_time(name) > cutoff:
            kept_young += 1
            continue
        candidates.append(name)
    # A row may have taken one of them during the walk: read the references again.
    referenced, hls_folders = _referenced_files()
    removed = []
    for name in candidates:
        if name in referenced or any(name.startswith(folder) for folder in hls_folders):
            continue
        storage.delete(name)
        removed.append(name)
    log.info(
        "orphaned media files removed",
        extra={"removed": len(removed), "files": removed[:100], "scanned": scanned, "too_young": kept_young},
    )
    return {"files": len(removed), "scanned": scanned, "too_young": kept_young}


# --- old failed jobs -------------------------------------------------------------------


def job_failures_purge(*, days: int | None = None) -> dict[str, int]:
    """Delete failed-job rows older than JOBS_FAILURE_RETENTION_DAYS (0 keeps all).
    Successes need nothing: django-q2 keeps at most Q_CLUSTER["save_limit"] of them."""
    from django_q.models import Failure

    days = settings.JOBS_FAILURE_RETENTION_DAYS if days is None else days
    if days <= 0:
        return {"failures": 0}
    removed, _ = Failure.objects.filter(stopped__lt=timezone.now() - timedelta(days=days)).delete()
    log.info("old failed jobs removed", extra={"removed": removed, "retention_days": days})
    return {"failures": removed}
