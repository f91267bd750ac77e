"""Fixtures of the assessments tests: a published course with a live quiz of every
non-code question type, and a recorder of the quiz events."""

import pytest

from learning.events import QuizPassed, QuizSubmitted, bus

from .helpers import live_quiz, make_question

PLAIN_TYPES = ("single", "multiple", "true_false", "numeric", "short_text", "ordering")


@pytest.fixture
def course(build_course):
    return build_course(modules=1, lessons_per_module=1, title="Web basics")


@pytest.fixture
def questions(course, teacher):
    return [make_question(user=teacher, course=course, kind=kind) for kind in PLAIN_TYPES]


@pytest.fixture
def make_quiz(course, teacher, admin_user, questions):
    def make(questions=questions, **fields):
        return live_quiz(teacher=teacher, admin=admin_user, course=course, questions=questions, **fields)

    return make


@pytest.fixture
def quiz_events():
    """The quiz events delivered during the test (wrap the use case in
    django_capture_on_commit_callbacks(execute=True): delivery is after commit)."""
    seen = []

    def record(event):
        seen.append(event)

    for event_type in (QuizSubmitted, QuizPassed):
        bus.subscribe(event_type, record)
    yield seen
    for event_type in (QuizSubmitted, QuizPassed):
        bus.unsubscribe(event_type, record)
