"""Event handlers (subscribed in apps.py). Thin: they call services."""

from learning.events import CourseCompleted, QuizPassed


def on_course_completed(event: CourseCompleted) -> None:
    """django-q2 job: issue the learner's certificate for the completed course (unless a
    final quiz of the course is not passed yet)."""
    from .services import certificate_issue_for_completion

    certificate_issue_for_completion(user_id=event.user_id, course_id=event.course_id)


def on_quiz_passed(event: QuizPassed) -> None:
    """django-q2 job: a passed final quiz may be the last requirement of the certificate."""
    from .services import certificate_issue_for_final_quiz

    certificate_issue_for_final_quiz(user_id=event.user_id, quiz_id=event.quiz_id, course_id=event.course_id)
