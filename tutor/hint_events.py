"""What the tutor hears on the event bus (subscribed in apps.py): a `code_run` (a run
or a submission) is the real attempt the hint ladder waits for."""

from learning.events import CodeRun


def code_run_heard(event: CodeRun) -> None:
    from .services import hint_attempt_record

    hint_attempt_record(user_id=event.user_id, challenge_id=event.challenge_id, lesson_id=event.lesson_id)
