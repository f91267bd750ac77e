"""django-q2 jobs of the audit log (thin: they call services)."""


def purge() -> int:
    """Daily (setup_schedules): delete entries past AUDIT_RETENTION_DAYS; audited."""
    from .services import audit_purge

    return audit_purge()
