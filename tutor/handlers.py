"""Subscribers to the content events (learning/events): the tutor index follows what
learners see. Each event is a django-q2 job (`job=True`, tutor/apps.py)."""

from learning.events import ContentPublished, ContentUnpublished


def content_changed_reindex(event: ContentPublished | ContentUnpublished) -> None:
    """Re-index the event's course: its chunks replaced by what is published now."""
    from .indexing import index_update_course

    index_update_course(course_id=event.course_id)
