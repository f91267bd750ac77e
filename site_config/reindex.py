"""`reindex_all`: rebuild every derived store (docs/operations.md, "Reindexing").

The steps are dotted callables in settings.REINDEX_STEPS (the built-in ones, then
REINDEX_EXTRA_STEPS: an app with a store of its own, analytics rollups say, adds its
rebuild there). Each takes `progress(done, total)` and returns a count, and must be
safe while the site serves: it builds aside and swaps, or replaces entries so that a
reader sees the old or the new one, never none.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("mrict.reindex")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StepResult:
    step: str
    count: int
    seconds: float


def step_label(dotted: str) -> str:
    return getattr(import_string(dotted), "label", None) or dotted


def reindex_all(
    *, steps: list[str] | None = None, progress_for: Callable[[str], Progress] | None = None
) -> list[StepResult]:
    """Run each step in order (all of REINDEX_STEPS unless `steps` names some). A
    failing step stops the run with its exception: the steps before it are done, the
    stores after it keep their previous state."""
    chosen = steps or list(settings.REINDEX_STEPS)
    unknown = [s for s in chosen if s not in settings.REINDEX_STEPS]
    if unknown:
        raise ValueError(f"not a reindex step: {', '.join(unknown)} (REINDEX_STEPS)")
    results = []
    for dotted in chosen:
        func = import_string(dotted)
        progress = progress_for(dotted) if progress_for else (lambda done, total: None)
        started = time.perf_counter()
        count = func(progress)
        result = StepResult(dotted, int(count or 0), round(time.perf_counter() - started, 2))
        log.info(
            "reindex step done", extra={"step": dotted, "count": result.count, "seconds": result.seconds}
        )
        results.append(result)
    return results


# --- the search index (Wagtail's, every indexed model) ----------------------------------


def search_index_rebuild(progress: Progress) -> int:
    """Wagtail's search index, every backend and indexed model (pages, images,
    documents, snippets), as `update_index` does it. With the database backends the
    rebuild runs in one transaction (ATOMIC_REBUILD, their default): readers see the
    old index until it commits. Returns the objects indexed."""
    from modelsearch.conf import get_app_config
    from modelsearch.management.commands.rebuild_modelsearch_index import group_models_by_index
    from wagtail.search.backends import get_search_backend
    from wagtail.search.index import get_indexed_models

    models = get_indexed_models()
    total = sum(model.get_indexed_objects().count() for model in models)
    done = 0
    progress(0, total)
    for backend_name in get_app_config().get_search_backend_config():
        backend = get_search_backend(backend_name)
        if not backend.rebuilder_class:
            continue
        for index, index_models in group_models_by_index(backend, models).items():
            rebuilder = backend.rebuilder_class(index)
            target = rebuilder.start()
            for model in index_models:
                target.add_model(model)
            for model in index_models:
                queryset = model.get_indexed_objects().order_by("pk")
                last = None
                while True:
                    chunk = list((queryset.filter(pk__gt=last) if last is not None else queryset)[:500])
                    if not chunk:
                        break
                    target.add_items(model, chunk)
                    last = chunk[-1].pk
                    done += len(chunk)
                    progress(min(done, total), total)
            rebuilder.finish()
    return done


search_index_rebuild.label = "search index"
