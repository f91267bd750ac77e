"""Building the tutor's index: chunks → embeddings → a FAISS document store, written to
storage under a new version id, then switched to atomically (tutor.models).

- `index_build(document=...)`: a whole curriculum (every published course, or a file).
- `index_update_course(course_id=...)`: after a content change, the active index with
  that course's chunks replaced by what is published now (nothing, once unpublished).

Both reuse the embedding of every chunk whose text did not change (looked up by its
hash in the active version), so a change embeds only the passages it touched. Two
updates that race each build from the same base; the second to switch finds the base
gone and starts again from the new one (compare-and-swap on the active row)."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .curriculum.chunks import Chunk, course_chunks, curriculum_chunks
from .embedding import EMBEDDING_DIM, MODEL_NAME
from .models import IndexVersion

log = logging.getLogger("mrict.tutor")

FILES = ("index.faiss", "index.json")
MAX_ATTEMPTS = 5


class IndexConflict(Exception):
    """The active version changed while an update was being built from it."""


class Progress:
    """What a build reports: `start(total)` once, then `advance(n)` per embedded batch."""

    def start(self, total: int, *, reused: int) -> None:  # pragma: no cover - interface
        pass

    def advance(self, n: int) -> None:  # pragma: no cover - interface
        pass


# --- storage ------------------------------------------------------------------------


def _storage_name(version: str, name: str) -> str:
    return f"{settings.TUTOR_INDEX_STORAGE_PREFIX.strip('/')}/{version}/{name}"


def store_save(store, version: str) -> None:
    """Write the document store's two files to the default storage under `version`."""
    tmp = Path(tempfile.mkdtemp(prefix="tutor-index-"))
    try:
        store.save(tmp / "index")
        for name in FILES:
            with open(tmp / name, "rb") as fh:
                saved = default_storage.save(_storage_name(version, name), File(fh, name=name))
            if saved != _storage_name(version, name):
                raise RuntimeError(f"storage wrote {saved!r} instead of {_storage_name(version, name)!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def store_load(version: str):
    """The FAISSDocumentStore of `version`, read back from the default storage."""
    from haystack_integrations.document_stores.faiss import FAISSDocumentStore

    tmp = Path(tempfile.mkdtemp(prefix="tutor-index-"))
    try:
        for name in FILES:
            with (
                default_storage.open(_storage_name(version, name), "rb") as src,
                open(tmp / name, "wb") as dst,
            ):
                shutil.copyfileobj(src, dst, 1024 * 1024)
        return FAISSDocumentStore(index_path=str(tmp / "index"), embedding_dim=EMBEDDING_DIM)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _storage_delete(version: str) -> None:
    for name in FILES:
        try:
            default_storage.delete(_storage_name(version, name))
        except Exception:  # a file already gone must not stop the pruning
            log.warning("tutor index file not deleted", extra={"version": version, "file": name})


# --- building -----------------------------------------------------------------------


def _documents(chunks: list[Chunk], reusable: dict[str, list[float]]):
    from haystack import Document

    docs, missing = [], []
    for chunk in chunks:
        content_hash = chunk.content_hash
        doc = Document(
            id=chunk.chunk_id,
            content=chunk.text,
            meta=chunk.meta | {"chunk_id": chunk.chunk_id, "content_hash": content_hash},
            embedding=reusable.get(content_hash),
        )
        docs.append(doc)
        if doc.embedding is None:
            missing.append(doc)
    return docs, missing


def _signature(doc_id: str, meta: dict) -> tuple[str, str]:
    return doc_id, json.dumps(meta, sort_keys=True, default=str)


def _reusable(base_store) -> dict[str, list[float]]:
    if base_store is None:
        return {}
    return {
        doc.meta.get("content_hash"): doc.embedding
        for doc in base_store.documents.values()
        if doc.embedding is not None and doc.meta.get("content_hash")
    }


def _write_version(
    *, docs, missing, kind: str, base: IndexVersion | None, progress: Progress | None, started: float
):
    from haystack.document_stores.types import DuplicatePolicy
    from haystack_integrations.document_stores.faiss import FAISSDocumentStore

    from .embedding import embed_documents

    if progress:
        progress.start(len(missing), reused=len(docs) - len(missing))
    embedded = {
        doc.id: doc.embedding
        for doc in embed_documents(missing, progress=progress.advance if progress else None)
    }
    docs = [doc if doc.embedding is not None else replace(doc, embedding=embedded[doc.id]) for doc in docs]
    store = FAISSDocumentStore(embedding_dim=EMBEDDING_DIM)
    store.write_documents(docs, policy=DuplicatePolicy.OVERWRITE)
    version = timezone.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    store_save(store, version)
    row = IndexVersion.objects.create(
        version=version,
        kind=kind,
        base=base,
        chunk_count=len(docs),
        course_ids=sorted({doc.meta["course_id"] for doc in docs}),
        embedding_model=MODEL_NAME,
        embedded_count=len(missing),
        build_seconds=round(time.perf_counter() - started, 3),
    )
    return row, store


def index_activate(row: IndexVersion, *, expected_base: IndexVersion | None | bool = False) -> None:
    """Make `row` the active version in one transaction. With `expected_base` (an
    IndexVersion or None for "no index yet"), refuse with IndexConflict when another
    version became active meanwhile."""
    with transaction.atomic():
        current = IndexVersion.objects.select_for_update().filter(is_active=True).first()
        if expected_base is not False:
            expected_id = expected_base.pk if expected_base is not None else None
            if (current.pk if current else None) != expected_id:
                raise IndexConflict(f"the active index is now {current}")
        IndexVersion.objects.filter(is_active=True).update(is_active=False)
        IndexVersion.objects.filter(pk=row.pk).update(is_active=True)
    row.is_active = True
    from .retrieval import index_changed_here

    index_changed_here()
    transaction.on_commit(index_prune)


def index_prune() -> None:
    """Delete all but the active version and the TUTOR_INDEX_KEEP_VERSIONS newest others."""
    keep = max(0, settings.TUTOR_INDEX_KEEP_VERSIONS)
    old = list(IndexVersion.objects.filter(is_active=False).order_by("-created_at", "-pk")[keep:])
    for row in old:
        _storage_delete(row.version)
    IndexVersion.objects.filter(pk__in=[row.pk for row in old]).delete()


def active_version() -> IndexVersion | None:
    return IndexVersion.objects.filter(is_active=True).first()


def index_build(
    *,
    document: dict,
    kind: str = IndexVersion.Kind.FULL,
    progress: Progress | None = None,
    reuse: bool = True,
) -> IndexVersion:
    """A new version from a whole curriculum document, made active. Embeddings of
    unchanged chunks come from the active version (unless `reuse=False`)."""
    started = time.perf_counter()
    base = active_version()
    base_store = _load_for_reuse(base) if reuse else None
    chunks = curriculum_chunks(document)
    docs, missing = _documents(chunks, _reusable(base_store))
    row, _store = _write_version(
        docs=docs, missing=missing, kind=kind, base=base, progress=progress, started=started
    )
    index_activate(row)
    log.info(
        "tutor index built",
        extra={"version": row.version, "chunks": row.chunk_count, "embedded": row.embedded_count},
    )
    return row


def _load_for_reuse(base: IndexVersion | None):
    if base is None or base.embedding_model != MODEL_NAME:
        return None
    try:
        return store_load(base.version)
    except Exception:
        log.exception("tutor index: the active version could not be read; embedding everything")
        return None


def index_update_course(*, course_id: int, progress: Progress | None = None) -> IndexVersion | None:
    """After a content change in `course_id`: the active index with that course's
    chunks replaced by its published content now (none when it is no longer
    published). With no index yet, builds the first one from all published content
    when TUTOR_INDEX_BUILD_IF_MISSING, else does nothing. Returns the version active
    afterwards: the same one when the course's passages did not change."""
    from .curriculum.export import course_export, curriculum_export, published_courses

    for _attempt in range(MAX_ATTEMPTS):
        started = time.perf_counter()
        base = active_version()
        if base is None:
            if not settings.TUTOR_INDEX_BUILD_IF_MISSING:
                log.info(
                    "tutor index: none built yet, content change not indexed", extra={"course_id": course_id}
                )
                return None
            document = curriculum_export(include_private=False)
            chunks = curriculum_chunks(document)
            docs, missing = _documents(chunks, {})
            kind = IndexVersion.Kind.FULL
        else:
            base_store = _load_for_reuse(base) or store_load(base.version)
            courses = published_courses([course_id])
            chunks = course_chunks(course_export(courses[0], include_private=False)) if courses else []
            kept, before = [], set()
            for doc in base_store.documents.values():
                if doc.meta.get("course_id") == course_id:
                    before.add(_signature(doc.id, doc.meta))
                else:
                    kept.append(doc)
            after = {
                _signature(c.chunk_id, c.meta | {"chunk_id": c.chunk_id, "content_hash": c.content_hash})
                for c in chunks
            }
            if before == after:
                # Nothing the index holds changed (an image title, a challenge's hidden
                # test, a republish of the same text): keep the active version.
                log.info("tutor index: course unchanged", extra={"course_id": course_id})
                return base
            new_docs, missing = _documents(chunks, _reusable(base_store))
            docs = kept + new_docs
            kind = IndexVersion.Kind.INCREMENTAL
        row, _store = _write_version(
            docs=docs, missing=missing, kind=kind, base=base, progress=progress, started=started
        )
        try:
            index_activate(row, expected_base=base)
        except IndexConflict:
            _storage_delete(row.version)
            row.delete()
            continue
        log.info(
            "tutor index updated",
            extra={"version": row.version, "course_id": course_id, "embedded": row.embedded_count},
        )
        return row
    raise IndexConflict(
        f"the tutor index kept changing; course {course_id} not indexed after {MAX_ATTEMPTS} tries"
    )
