"""The analytics rollups' `reindex_all` step (site_config/reindex.py, REINDEX_STEPS):
every rollup again from the raw events, in one transaction (readers keep the previous
rollups until it commits). Returns the rollup rows written."""

from collections.abc import Callable


def rebuild(progress: Callable[[int, int], None]) -> int:
    from .services import rollups_rebuild

    progress(0, 1)
    result = rollups_rebuild()
    progress(1, 1)
    return result["rows"]


rebuild.label = "analytics rollups"
