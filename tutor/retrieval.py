"""Retrieval: the passages of the active index nearest to a question.

    retrieve("how do I centre a box?", k=5, course_id=3) -> [Passage, ...]

The index is loaded once per process and kept; at most every
TUTOR_INDEX_RELOAD_CHECK_SECONDS a call asks the database (one small query) which
version is active and loads the new one when another process switched it. A switch
made in this process (a build, an update job run here) is seen at once. Query
embeddings are kept in an LRU cache (TUTOR_QUERY_CACHE_SIZE).

Scores are cosine similarities (-1..1, higher is nearer). Filters use FAISS's own id
selector, so a course or lesson filter searches only that course's or lesson's
vectors (FAISSDocumentStore.search filters after a top-k*10 search, which can miss)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.conf import settings


class IndexNotBuilt(Exception):
    """No active tutor index: build one with `manage.py build_tutor_index`."""

    def __init__(self, message: str = ""):
        super().__init__(
            message or "The tutor index has not been built yet: run `python manage.py build_tutor_index`."
        )


@dataclass(frozen=True)
class Passage:
    text: str
    score: float
    course_id: int
    lesson_id: int | None
    lesson_title: str
    section_anchor: str
    chunk_id: str


class _LoadedIndex:
    def __init__(self, version: str, store):
        self.version = version
        self.index = store.index  # faiss.IndexIDMap over a flat L2 index
        self.passages: dict[int, Passage] = {}
        by_course: dict[int, list[int]] = {}
        by_lesson: dict[int, list[int]] = {}
        for int_id, doc_id in store.id_map.items():
            doc = store.documents[doc_id]
            meta = doc.meta
            self.passages[int_id] = Passage(
                text=doc.content or "",
                score=0.0,
                course_id=meta.get("course_id"),
                lesson_id=meta.get("lesson_id"),
                lesson_title=meta.get("lesson_title") or "",
                section_anchor=meta.get("section_anchor") or "",
                chunk_id=meta.get("chunk_id") or doc_id,
            )
            by_course.setdefault(meta.get("course_id"), []).append(int_id)
            if meta.get("lesson_id") is not None:
                by_lesson.setdefault(meta.get("lesson_id"), []).append(int_id)
        self.by_course = {key: np.array(ids, dtype="int64") for key, ids in by_course.items()}
        self.by_lesson = {key: np.array(ids, dtype="int64") for key, ids in by_lesson.items()}

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self, vector: np.ndarray, *, k: int, course_id: int | None, lesson_id: int | None
    ) -> list[Passage]:
        import faiss

        params = None
        if course_id is not None or lesson_id is not None:
            ids = None
            if course_id is not None:
                ids = self.by_course.get(course_id, np.empty(0, dtype="int64"))
            if lesson_id is not None:
                lesson_ids = self.by_lesson.get(lesson_id, np.empty(0, dtype="int64"))
                ids = lesson_ids if ids is None else np.intersect1d(ids, lesson_ids)
            if ids is None or len(ids) == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
            k = min(k, len(ids))
        k = min(k, len(self.passages))
        if k <= 0:
            return []
        distances, int_ids = self.index.search(vector.reshape(1, -1), k, params=params)
        out = []
        for distance, int_id in zip(distances[0], int_ids[0], strict=False):
            passage = self.passages.get(int(int_id))
            if passage is None:
                continue
            # Squared L2 between unit vectors: |a-b|^2 = 2 - 2 cos(a, b).
            out.append(_with_score(passage, 1.0 - float(distance) / 2.0))
        return out


def _with_score(passage: Passage, score: float) -> Passage:
    return Passage(
        text=passage.text,
        score=round(score, 6),
        course_id=passage.course_id,
        lesson_id=passage.lesson_id,
        lesson_title=passage.lesson_title,
        section_anchor=passage.section_anchor,
        chunk_id=passage.chunk_id,
    )


# --- the per-process index --------------------------------------------------------

_lock = threading.Lock()
_loaded: _LoadedIndex | None = None
_active: str | None = None  # the active version last read from the database
_checked_at = 0.0


def index_changed_here() -> None:
    """This process switched the active version: check the database on the next call."""
    global _checked_at
    _checked_at = 0.0


def _active_version_name() -> str | None:
    global _active, _checked_at
    now = time.monotonic()
    if _checked_at and now - _checked_at < settings.TUTOR_INDEX_RELOAD_CHECK_SECONDS:
        return _active
    from .models import IndexVersion

    _active = IndexVersion.objects.filter(is_active=True).values_list("version", flat=True).first()
    _checked_at = now
    return _active


def loaded_index() -> _LoadedIndex:
    """The active index, loaded (or reloaded) as needed. IndexNotBuilt when none."""
    global _loaded
    version = _active_version_name()
    if version is None:
        raise IndexNotBuilt()
    current = _loaded
    if current is not None and current.version == version:
        return current
    with _lock:
        if _loaded is None or _loaded.version != version:
            from .indexing import store_load

            try:
                store = store_load(version)
            except (OSError, ValueError) as exc:  # its files are gone from storage
                raise IndexNotBuilt(
                    f"The active tutor index {version} cannot be read ({exc}): rebuild it with "
                    "`python manage.py build_tutor_index`."
                ) from exc
            _loaded = _LoadedIndex(version, store)
        return _loaded


def active_index_version() -> str | None:
    """The active version's id (None when none is built): for /health/ready."""
    return _active_version_name()


# --- query embeddings -------------------------------------------------------------

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def query_vector(text: str) -> np.ndarray:
    """The query's embedding (float32, unit length), from the LRU cache when seen."""
    with _cache_lock:
        vector = _cache.get(text)
        if vector is not None:
            _cache.move_to_end(text)
            return vector
    from .embedding import embed_query

    vector = np.asarray(embed_query(text), dtype="float32")
    with _cache_lock:
        _cache[text] = vector
        _cache.move_to_end(text)
        while len(_cache) > max(0, settings.TUTOR_QUERY_CACHE_SIZE):
            _cache.popitem(last=False)
    return vector


def _normalise_query(query) -> str:
    if not isinstance(query, str):
        raise ValueError("The question must be text.")
    text = " ".join(query.split())
    if not text:
        raise ValueError("The question is empty.")
    if len(text) > settings.TUTOR_QUERY_MAX_CHARS:
        raise ValueError(f"The question is too long: at most {settings.TUTOR_QUERY_MAX_CHARS} characters.")
    return text


def retrieve(
    query: str, *, k: int = 5, course_id: int | None = None, lesson_id: int | None = None
) -> list[Passage]:
    """The `k` passages nearest to `query`, best first, optionally only from one course
    and/or one lesson. Raises ValueError for an empty or too long query or a bad `k`,
    IndexNotBuilt when no index is active."""
    text = _normalise_query(query)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 100:
        raise ValueError("k must be a whole number from 1 to 100.")
    index = loaded_index()
    return index.search(query_vector(text), k=k, course_id=course_id, lesson_id=lesson_id)
