"""django-q2 jobs of announcements: thin, they take ids and call services."""


def announcement_fan_out(announcement_id: int) -> str:
    from .services import announcement_fan_out as fan_out

    return fan_out(announcement_id=announcement_id)


def announcements_start_due() -> int:
    """Every minute (setup_schedules): start scheduled announcements whose time has come."""
    from .services import announcements_start_due as start_due

    return start_due()
