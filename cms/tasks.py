"""Jobs of the content app (django-q2)."""


def publish_scheduled() -> None:
    """Every minute (setup_schedules): publish revisions whose go-live time has come and
    unpublish pages past their expiry, with Wagtail's own command. One content-events
    scope for the run: one go_live / expire event per course (cms/events.py)."""
    from django.core.management import call_command

    from .events import content_changes

    with content_changes():
        call_command("publish_scheduled")
