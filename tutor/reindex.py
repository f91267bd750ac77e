"""The tutor index's `reindex_all` step (site_config/reindex.py, REINDEX_STEPS)."""

from collections.abc import Callable

from .indexing import Progress, index_build
from .models import IndexVersion


class _Counts(Progress):
    def __init__(self, progress: Callable[[int, int], None]):
        self.progress = progress
        self.done = self.total = 0

    def start(self, total: int, *, reused: int) -> None:
        self.total = total
        self.progress(0, total)

    def advance(self, n: int) -> None:
        self.done += n
        self.progress(self.done, self.total)


def rebuild(progress: Callable[[int, int], None]) -> int:
    """A new full index version from every published course, built aside and made
    active when complete (readers keep the old version until then: docs/tutor.md).
    Counts the passages to embed (unchanged ones keep their embeddings). Returns the
    passages of the new version."""
    from .curriculum.export import curriculum_export

    document = curriculum_export(include_private=False)
    row = index_build(document=document, kind=IndexVersion.Kind.FULL, progress=_Counts(progress))
    return row.chunk_count


rebuild.label = "tutor index"
