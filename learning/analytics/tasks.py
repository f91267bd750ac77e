"""django-q2 jobs of analytics: thin, they call services."""


def drain() -> int:
    """Bulk-insert the queued events (debounced after ingest, and every minute)."""
    from .services import events_drain

    return events_drain()
