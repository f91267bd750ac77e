"""The scheduled rollup job (setup_schedules.py: every ANALYTICS_ROLLUP_EVERY_MINUTES)."""


def rollups_update() -> int:
    from .services import rollups_update as update

    return len(update())
