"""Concurrent starts, in real threads with their own database connections and
transactions (PostgreSQL in the PG pass; SQLite serialises writers): one open attempt,
never more than the retake limit, never past the cooldown."""

import threading

import pytest
from django.db import connection

from learning.assessments.models import Attempt

from .helpers import live_quiz, make_question

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def _race(auth_client, user, quiz) -> list[int]:
    barrier = threading.Barrier(THREADS)
    statuses, errors = [], []

    def go():
        try:
            client = auth_client(user)
            barrier.wait(timeout=20)
            statuses.append(
                client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json").status_code
            )
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return sorted(statuses)


@pytest.fixture
def race_quiz(build_course, teacher, admin_user):
    course = build_course(title="Race course")

    def make(**fields):
        question = make_question(user=teacher, course=course, kind="single")
        return live_quiz(teacher=teacher, admin=admin_user, course=course, questions=[question], **fields)

    return make


def test_concurrent_starts_give_one_attempt(race_quiz, student, auth_client):
    quiz = race_quiz()
    statuses = _race(auth_client, student, quiz)
    assert statuses.count(201) == 1 and statuses.count(200) == THREADS - 1, statuses
    assert Attempt.objects.filter(user=student, quiz=quiz).count() == 1


def test_concurrent_starts_respect_the_retake_limit_and_cooldown(race_quiz, student, auth_client):
    from django.utils import timezone

    limited = race_quiz(attempts_allowed=1)
    attempt = Attempt.objects.get(
        pk=auth_client(student).post(f"/api/v1/quizzes/{limited.pk}/attempts/").json()["id"]
    )
    auth_client(student).post(f"/api/v1/attempts/{attempt.pk}/submit/")
    statuses = _race(auth_client, student, limited)
    assert statuses == [409] * THREADS, statuses
    assert Attempt.objects.filter(user=student, quiz=limited).count() == 1

    cooled = race_quiz(cooldown_minutes=5)
    first = auth_client(student).post(f"/api/v1/quizzes/{cooled.pk}/attempts/").json()["id"]
    auth_client(student).post(f"/api/v1/attempts/{first}/submit/")
    assert _race(auth_client, student, cooled) == [429] * THREADS
    # the cooldown ends: of the racing starts one creates the attempt, the rest get it
    Attempt.objects.filter(pk=first).update(submitted_at=timezone.now() - timezone.timedelta(minutes=6))
    statuses = _race(auth_client, student, cooled)
    assert statuses.count(201) == 1 and statuses.count(200) == THREADS - 1, statuses
    assert Attempt.objects.filter(user=student, quiz=cooled).count() == 2
