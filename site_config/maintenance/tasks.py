"""django-q2 jobs of maintenance (thin; scheduled by setup_schedules)."""


def sessions_clear() -> dict:
    from .services import sessions_clear_expired

    return sessions_clear_expired()


def revisions_prune() -> dict:
    from .services import revisions_prune as prune

    return prune()


def media_orphans_remove() -> dict:
    from .services import media_orphans_remove as remove

    return remove()


def job_failures_purge() -> dict:
    from .services import job_failures_purge as purge

    return purge()


def reindex_all(steps: list[str] | None = None) -> list[dict]:
    """The `reindex_all --queue` job (heavy queue)."""
    from site_config.reindex import reindex_all as run

    return [result.__dict__ for result in run(steps=steps)]
