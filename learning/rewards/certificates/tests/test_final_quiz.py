"""A course with a final quiz (assessments' `QuizPage.is_final`): the certificate needs
the completion and a passing grade of the quiz, in either order, over the real APIs
(progress events, quiz attempts). Jobs run synchronously (django-q2 `sync: True`) once
the on-commit callbacks run."""

import threading

import pytest
from django.db import connection

from learning.assessments.tests.helpers import answers_right, live_quiz, make_question
from learning.events import CertificateIssued
from learning.events.dispatch import run_job_handler
from learning.rewards.certificates.models import Certificate

from .conftest import complete_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_quiz(course, teacher, admin_user):
    question = make_question(user=teacher, course=course, kind="single")
    return live_quiz(
        teacher=teacher,
        admin=admin_user,
        course=course,
        questions=[question],
        title="Final exam",
        is_final=True,
    )


def take_quiz(client, quiz, *, right: bool) -> dict:
    """Start, answer (all right or all wrong) and submit an attempt through the API."""
    started = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json")
    assert started.status_code == 201, started.content
    attempt = started.json()
    answers = answers_right(attempt, {})
    if not right:
        from learning.assessments.models import Response

        for answer in answers:
            content = Response.objects.get(
                attempt_id=attempt["id"], position=answer["position"]
            ).version.content
            answer["answer"] = next(o["key"] for o in content["options"] if not o["correct"])
    saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/", {"answers": answers}, format="json")
    assert saved.status_code == 200, saved.content
    submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200, submitted.content
    return submitted.json()


def poll(client, course) -> dict:
    response = client.get(f"/api/v1/courses/{course.pk}/certificate/")
    assert response.status_code == 200, response.content
    return response.json()


def issued_events(events_seen):
    return [e for e in events_seen if isinstance(e, CertificateIssued)]


def test_completion_waits_for_the_final_quiz_then_a_pass_issues(
    course, final_quiz, student, auth_client, django_capture_on_commit_callbacks, events_seen
):
    learner = auth_client(student)
    assert learner.get(f"/api/v1/quizzes/{final_quiz.pk}/").json()["is_final"] is True
    assert poll(learner, course) == {
        "state": "none",
        "certificate": None,
        "final_quizzes": [{"id": final_quiz.pk, "title": "Final exam", "passed": False}],
    }

    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course)
    assert not Certificate.objects.exists()
    assert poll(learner, course) == {
        "state": "awaiting_final_quiz",
        "certificate": None,
        "final_quizzes": [{"id": final_quiz.pk, "title": "Final exam", "passed": False}],
    }

    # A failing attempt changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        failed = take_quiz(learner, final_quiz, right=False)
    assert failed["passed"] is False
    assert not Certificate.objects.exists() and not issued_events(events_seen)
    assert poll(learner, course)["state"] == "awaiting_final_quiz"

    # Passing it issues the certificate.
    with django_capture_on_commit_callbacks(execute=True):
        passed = take_quiz(learner, final_quiz, right=True)
    assert passed["passed"] is True
    state = poll(learner, course)
    assert state["state"] == "issued", state
    assert state["final_quizzes"] == [{"id": final_quiz.pk, "title": "Final exam", "passed": True}]
    [certificate] = Certificate.objects.filter(user=student, course=course)
    assert certificate.issue_status == "issued" and certificate.pdf
    assert [e.certificate_id for e in issued_events(events_seen)] == [certificate.pk]

    # Replays of either event issue nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        run_job_handler(
            "learning.rewards.certificates.handlers.on_quiz_passed",
            "quiz_passed",
            {
                "user_id": student.pk,
                "quiz_id": final_quiz.pk,
                "course_id": course.pk,
                "attempt_id": passed["id"],
                "grade_percent": 100.0,
                "occurred_at": None,
            },
        )
        run_job_handler(
            "learning.rewards.certificates.handlers.on_course_completed",
            "course_completed",
            {"user_id": student.pk, "course_id": course.pk, "completion_id": 1, "completed_at": None},
        )
    assert Certificate.objects.filter(user=student).count() == 1
    assert len(issued_events(events_seen)) == 1


def test_a_final_quiz_passed_before_completion_issues_at_completion(
    course, final_quiz, student, auth_client, django_capture_on_commit_callbacks, events_seen
):
    learner = auth_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        complete = take_quiz(learner, final_quiz, right=True)
    assert complete["passed"] is True
    # Passed, but the course is not completed: nothing yet.
    assert not Certificate.objects.exists()
    assert poll(learner, course)["state"] == "none"
    assert poll(learner, course)["final_quizzes"][0]["passed"] is True

    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course)
    assert poll(learner, course)["state"] == "issued"
    assert len(issued_events(events_seen)) == 1


def test_passing_another_quiz_or_a_revoked_certificate_issues_nothing(
    course,
    final_quiz,
    teacher,
    admin_user,
    student,
    auth_client,
    django_capture_on_commit_callbacks,
    events_seen,
):
    other = live_quiz(
        teacher=teacher,
        admin=admin_user,
        course=course,
        questions=[make_question(user=teacher, course=course, kind="true_false")],
        title="Practice",
    )
    learner = auth_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course)
        take_quiz(learner, other, right=True)
    assert not Certificate.objects.exists()
    state = poll(learner, course)
    assert state["state"] == "awaiting_final_quiz"
    assert [q["id"] for q in state["final_quizzes"]] == [final_quiz.pk]  # the practice quiz is not final

    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, final_quiz, right=True)
    [certificate] = Certificate.objects.filter(user=student)
    admin = auth_client(admin_user)
    revoked = admin.post(
        f"/api/v1/certificates/{certificate.pk}/revoke/", {"reason": "Cheated"}, format="json"
    )
    assert revoked.status_code == 200, revoked.content

    # Passing the final quiz again (a new attempt) or a replayed completion does not
    # bring a revoked certificate back: re-issuing is an admin's act.
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, final_quiz, right=True)
        run_job_handler(
            "learning.rewards.certificates.handlers.on_course_completed",
            "course_completed",
            {"user_id": student.pk, "course_id": course.pk, "completion_id": 1, "completed_at": None},
        )
    assert Certificate.objects.filter(user=student).count() == 1
    assert poll(learner, course)["state"] == "revoked"


def test_an_unpublished_final_quiz_is_not_required(
    course, final_quiz, student, admin_user, auth_client, django_capture_on_commit_callbacks
):
    """A learner cannot take a quiz that is not live: it does not hold the certificate back."""
    from cms import services as cms_services

    cms_services.page_unpublish(user=admin_user, page=final_quiz)
    learner = auth_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course)
    state = poll(learner, course)
    assert state["state"] == "issued" and state["final_quizzes"] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_completion_and_quiz_pass_jobs_issue_one_certificate(
    course, final_quiz, student, auth_client, events_seen
):
    """Both jobs (the completion's and the final quiz pass's) delivered at once, each on
    its own connection: one certificate, one event."""
    from django.utils import timezone

    from learning.progress.models import CourseCompletion

    learner = auth_client(student)
    passed = take_quiz(learner, final_quiz, right=True)  # on-commit delivery runs: nothing to issue yet
    assert passed["passed"] is True and not Certificate.objects.exists()
    completion = CourseCompletion.objects.create(user=student, course=course, completed_at=timezone.now())
    jobs = [
        (
            "learning.rewards.certificates.handlers.on_course_completed",
            "course_completed",
            {
                "user_id": student.pk,
                "course_id": course.pk,
                "completion_id": completion.pk,
                "completed_at": completion.completed_at.isoformat(),
            },
        ),
        (
            "learning.rewards.certificates.handlers.on_quiz_passed",
            "quiz_passed",
            {
                "user_id": student.pk,
                "quiz_id": final_quiz.pk,
                "course_id": course.pk,
                "attempt_id": passed["id"],
                "grade_percent": 100.0,
                "occurred_at": timezone.now().isoformat(),
            },
        ),
    ]
    rounds = 3 if connection.vendor == "postgresql" else 2
    for _ in range(rounds):
        Certificate.objects.all().delete()
        barrier = threading.Barrier(2)
        errors = []

        def run(job, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                run_job_handler(*job)
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        [certificate] = Certificate.objects.filter(user=student, course=course)
        assert certificate.issue_status == "issued" and certificate.status == "valid"
    assert len(issued_events(events_seen)) == rounds
