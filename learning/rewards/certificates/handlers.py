"""Event handlers (subscribed in apps.py). Thin: they call services."""

from learning.events import CourseCompleted


def on_course_completed(event: CourseCompleted) -> None:
    """django-q2 job: issue the learner's certificate for the completed course."""
    from .services import certificate_issue_for_completion

    certificate_issue_for_completion(user_id=event.user_id, course_id=event.course_id)
