"""Jobs of the content app (django-q2)."""


def publish_scheduled() -> None:
    """Every minute (setup_schedules): publish revisions whose go-live time has come and
    unpublish pages past their expiry, with Wagtail's own command."""
    from django.core.management import call_command

    call_command("publish_scheduled")
