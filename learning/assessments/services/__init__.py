"""State changes of the assessments app, one module per concern: `questions` (the bank
and its versions), `quizzes` (creating quiz pages outside the editor), `attempts`
(start, save answers, submit). Callers import from `learning.assessments.services`."""

from .attempts import (  # noqa: F401
    AnswerInvalid,
    AttemptRefused,
    Started,
    attempt_answers_save,
    attempt_close_if_expired,
    attempt_start,
    attempt_start_check,
    attempt_submit,
)
from .questions import (  # noqa: F401
    question_content,
    question_content_errors,
    question_create,
    question_update,
    question_version_sync,
)
from .quizzes import QUIZ_FIELDS, quiz_create  # noqa: F401
