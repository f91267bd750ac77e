"""Code questions graded by the real coding sandbox; random draws from tagged pools;
attempt history per role; publishing a quiz goes through ContentPublished; the course
outline lists quizzes."""

import pytest

from learning.accounts.tests.helpers import assert_error
from learning.assessments.models import Attempt, Response
from learning.events import ContentPublished, bus

from .helpers import first_module, live_quiz, make_question
from .test_attempts import save, start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox_settings(settings):
    # the in-process sandbox pool, small and quick (as the coding tests run it)
    settings.SANDBOX_WALL_TIME_MS = 1500
    settings.SANDBOX_POOL_SIZE = 2
    settings.SANDBOX_QUEUE_WAIT_MS = 5000
    settings.SANDBOX_URL = ""


@pytest.mark.parametrize(
    ("source", "fraction"),
    [
        ("function double(n) { return n * 2; }", 1.0),
        ("function double(n) { return n > 0 ? n * 2 : n; }", 0.5),
        ("function double(n) { while (true) {} }", 0.0),
        ("this is not javascript", 0.0),
    ],
)
def test_code_questions_are_graded_by_the_sandbox(
    course, teacher, admin_user, student, auth_client, source, fraction
):
    question = make_question(user=teacher, course=course, kind="code", points=2)
    quiz = live_quiz(teacher=teacher, admin=admin_user, course=course, questions=[question])
    client = auth_client(student)
    attempt = start(client, quiz).json()
    assert attempt["questions"][0]["code_starter"] == ""
    assert save(client, attempt["id"], [{"position": 1, "answer": source}]).status_code == 200
    result = submit(client, attempt["id"]).json()
    feedback = result["questions"][0]["feedback"]
    assert feedback["score_fraction"] == fraction
    assert feedback["detail"]["tests"] == 2 and feedback["detail"]["tests_passed"] == int(2 * fraction)
    assert result["score"] == 2 * fraction


def test_a_code_answer_over_the_limit_is_400(course, teacher, admin_user, student, auth_client, settings):
    settings.QUIZ_MAX_CODE_ANSWER_BYTES = 100
    question = make_question(user=teacher, course=course, kind="code")
    quiz = live_quiz(teacher=teacher, admin=admin_user, course=course, questions=[question])
    client = auth_client(student)
    attempt = start(client, quiz).json()
    assert_error(
        save(client, attempt["id"], [{"position": 1, "answer": "x" * 101}]), 400, attr="answers.0.answer"
    )


def test_random_draws_from_tagged_pools(
    course, teacher, admin_user, student, auth_client, other_teacher, build_course
):
    html = [make_question(user=teacher, course=course, title=f"html {i}", tags=["html"]) for i in range(5)]
    css = [
        make_question(user=teacher, course=course, title=f"css {i}", tags=["css"], difficulty="hard")
        for i in range(3)
    ]
    make_question(user=teacher, course=course, title="css easy", tags=["css"], difficulty="easy")
    # another course's bank is never drawn from
    other_course = build_course(title="Other", owner=other_teacher)
    make_question(user=other_teacher, course=other_course, title="foreign", tags=["html"])
    quiz = live_quiz(
        teacher=teacher,
        admin=admin_user,
        course=course,
        slots=[
            {"question": html[0]},
            {"pool_tag": "html", "count": 2},
            {"pool_tag": "css", "count": 2, "pool_difficulty": "hard"},
        ],
    )
    seen = set()
    for _ in range(3):
        client = auth_client(student)
        attempt = start(client, quiz).json()
        drawn = list(
            Response.objects.filter(attempt_id=attempt["id"]).order_by("position").select_related("question")
        )
        assert len(drawn) == 5
        assert drawn[0].question_id == html[0].pk
        assert len({r.question_id for r in drawn}) == 5  # no question twice
        assert all(r.question_id in {q.pk for q in html[1:]} for r in drawn[1:3])
        assert all(r.question_id in {q.pk for q in css} for r in drawn[3:])
        seen.update(r.question_id for r in drawn)
        submit(client, attempt["id"])
    assert len(seen) > 5  # three attempts did not all draw the same


def test_history_by_role(
    make_quiz, course, teacher, other_teacher, admin_user, student, auth_client, build_course
):
    from learning.accounts.tests.factories import UserFactory

    quiz = make_quiz()
    other_student = UserFactory(email="other-student@example.test", role="student")
    mine = start(auth_client(student), quiz).json()
    submit(auth_client(student), mine["id"])
    theirs = start(auth_client(other_student), quiz).json()
    # a quiz of another teacher's course
    other_course = build_course(title="Other", owner=other_teacher)
    other_quiz = live_quiz(
        teacher=other_teacher,
        admin=admin_user,
        course=other_course,
        questions=[make_question(user=other_teacher, course=other_course)],
    )
    elsewhere = start(auth_client(student), other_quiz).json()

    own = auth_client(student).get("/api/v1/attempts/").json()
    assert {a["id"] for a in own["results"]} == {mine["id"], elsewhere["id"]}
    assert_error(auth_client(student).get(f"/api/v1/attempts/{theirs['id']}/"), 404)
    assert_error(auth_client(student).get("/api/v1/teacher/attempts/"), 403)

    teacher_view = auth_client(teacher).get("/api/v1/teacher/attempts/").json()
    assert {a["id"] for a in teacher_view["results"]} == {mine["id"], theirs["id"]}
    filtered = auth_client(teacher).get(f"/api/v1/teacher/attempts/?user={student.pk}").json()
    assert [a["id"] for a in filtered["results"]] == [mine["id"]]
    detail = auth_client(teacher).get(f"/api/v1/teacher/attempts/{mine['id']}/").json()
    assert detail["user"]["email"] == student.email and len(detail["responses"]) == 6
    assert detail["responses"][0]["correct_answer"]
    assert_error(auth_client(teacher).get(f"/api/v1/teacher/attempts/{elsewhere['id']}/"), 404)

    everything = auth_client(admin_user).get("/api/v1/teacher/attempts/").json()
    assert everything["count"] == 3


def test_teacher_history_query_count_is_constant(
    make_quiz, teacher, auth_client, uncached_users, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learning.accounts.tests.factories import UserFactory

    quiz = make_quiz()
    counts = []
    for n in (2, 6):
        while Attempt.objects.count() < n:
            learner = UserFactory(role="student")
            start(auth_client(learner), quiz)
        client = auth_client(teacher)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/teacher/attempts/").json()["count"] == n
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_publishing_a_quiz_is_content_published(
    course, teacher, admin_user, questions, django_capture_on_commit_callbacks
):
    from cms import services as cms_services
    from learning.assessments.services import quiz_create

    seen = []
    bus.subscribe(ContentPublished, seen.append)
    try:
        quiz = quiz_create(
            user=teacher, module=first_module(course), title="Check", slots=[{"question": questions[0]}]
        )
        with django_capture_on_commit_callbacks(execute=True):
            cms_services.page_publish(user=admin_user, page=quiz)
    finally:
        bus.unsubscribe(ContentPublished, seen.append)
    assert [(e.course_id, e.change) for e in seen] == [(course.pk, "publish")]
    assert quiz.pk in seen[0].page_ids


def test_the_course_outline_lists_live_quizzes(make_quiz, course, student, auth_client):
    quiz = make_quiz(title="Module check")
    outline = auth_client(student).get(f"/api/v1/courses/{course.pk}/").json()
    module = outline["modules"][0]
    assert [q["id"] for q in module["quizzes"]] == [quiz.pk]
    assert module["quizzes"][0]["kind"] == "quiz" and module["quizzes"][0]["title"] == "Module check"


def test_deleting_a_course_takes_its_quizzes_attempts_and_questions(
    make_quiz, course, questions, admin_user, student, auth_client
):
    from cms import services as cms_services
    from learning.assessments.models import Question

    quiz = make_quiz()
    attempt = start(auth_client(student), quiz).json()
    submit(auth_client(student), attempt["id"])
    cms_services.page_delete(user=admin_user, page=course)
    assert not Attempt.objects.exists() and not Response.objects.exists()
    assert not Question.objects.filter(pk__in=[q.pk for q in questions]).exists()


def test_an_expired_attempt_closed_by_the_server_grades_its_code(
    course, teacher, admin_user, student, auth_client
):
    from .test_attempts import time_travel

    question = make_question(user=teacher, course=course, kind="code")
    quiz = live_quiz(
        teacher=teacher, admin=admin_user, course=course, questions=[question], time_limit_minutes=1
    )
    client = auth_client(student)
    attempt = start(client, quiz).json()
    save(client, attempt["id"], [{"position": 1, "answer": "function double(n) { return 2 * n; }"}])
    time_travel(attempt["id"], 5 * 60)
    shown = client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert shown["state"] == "submitted" and shown["score"] == 1
    assert shown["questions"][0]["feedback"]["detail"]["tests_passed"] == 2
