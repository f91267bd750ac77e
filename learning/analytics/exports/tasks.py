"""django-q2 jobs of report exports (thin: they call services)."""


def report_export_run(export_id: str) -> None:
    """Write one export's file (queued by report_export_request)."""
    from .services import report_export_run as run

    run(export_id=export_id)


def report_exports_purge() -> int:
    """Hourly (setup_schedules): delete exports past their expiry, with their files."""
    from .services import report_exports_purge as purge

    return purge()
