import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .conftest import event

pytestmark = pytest.mark.django_db


def resume(client, course):
    response = client.get(f"/api/v1/courses/{course.pk}/resume/")
    assert response.status_code == 200
    return response.json()


def post(client, events):
    assert client.post("/api/v1/progress/events/", events, format="json").json()["rejected"] == 0


def test_resume_across_every_state(learner, course, lessons):
    t = timezone.now() - dt.timedelta(hours=1)
    # nothing done: the first lesson
    assert resume(learner, course) | {"position": None} == {
        "course_id": course.pk,
        "state": "not_started",
        "reason": "next_uncompleted",
        "lesson": {"id": lessons[0].pk, "title": lessons[0].title, "slug": lessons[0].slug},
        "position": None,
    }
    # started lesson 2 (with a position): resume there
    post(learner, [event(lessons[1].pk, "lesson_started", occurred_at=t, position={"block": 3})])
    r = resume(learner, course)
    assert (r["state"], r["reason"], r["lesson"]["id"], r["position"]) == (
        "in_progress",
        "last_started",
        lessons[1].pk,
        {"block": 3},
    )
    # two lessons in progress: the most recently touched one wins
    post(learner, [event(lessons[2].pk, "lesson_viewed", occurred_at=t + dt.timedelta(minutes=5))])
    assert resume(learner, course)["lesson"]["id"] == lessons[2].pk
    # complete both in-progress lessons: next uncompleted in tree order is lesson 1
    post(
        learner,
        [
            event(lessons[1].pk, occurred_at=t + dt.timedelta(minutes=6)),
            event(lessons[2].pk, occurred_at=t + dt.timedelta(minutes=7)),
        ],
    )
    r = resume(learner, course)
    assert (r["state"], r["reason"], r["lesson"]["id"]) == ("in_progress", "next_uncompleted", lessons[0].pk)
    # complete lesson 1: next is lesson 4 (across the module boundary)
    post(learner, [event(lessons[0].pk, occurred_at=t + dt.timedelta(minutes=8))])
    assert resume(learner, course)["lesson"]["id"] == lessons[3].pk
    # everything done: course complete
    post(learner, [event(lessons[3].pk, occurred_at=t + dt.timedelta(minutes=9))])
    assert resume(learner, course) == {
        "course_id": course.pk,
        "state": "completed",
        "reason": "course_complete",
        "lesson": None,
        "position": None,
    }


def test_resume_skips_unpublished_lessons(learner, course, lessons):
    lessons[0].unpublish()
    assert resume(learner, course)["lesson"]["id"] == lessons[1].pk


def test_resume_of_a_hidden_course_is_404(learner, course, admin_user):
    from cms import services

    services.page_unpublish(user=admin_user, page=course)
    assert learner.get(f"/api/v1/courses/{course.pk}/resume/").status_code == 404
    assert learner.get("/api/v1/me/courses/").json()["results"] == []


def test_course_progress_per_module(learner, course, lessons):
    post(learner, [event(lessons[0].pk), event(lessons[1].pk), event(lessons[2].pk, "lesson_started")])
    body = learner.get(f"/api/v1/courses/{course.pk}/progress/").json()
    assert (
        body["required_completed_count"],
        body["required_lesson_count"],
        body["percent"],
        body["enrolled"],
    ) == (2, 4, 50.0, True)
    assert [(m["required_completed_count"], m["required_lesson_count"]) for m in body["modules"]] == [
        (2, 2),
        (0, 2),
    ]
    assert sorted(body["completed_lesson_ids"]) == sorted([lessons[0].pk, lessons[1].pk])
    assert body["completed_at"] is None


def test_my_courses_shows_percent_activity_and_resume(learner, course, lessons):
    post(learner, [event(lessons[0].pk)])
    [row] = learner.get("/api/v1/me/courses/").json()["results"]
    assert (row["required_completed_count"], row["required_lesson_count"], row["percent"]) == (1, 4, 25.0)
    assert row["last_activity_at"] is not None
    assert row["resume"]["lesson"]["id"] == lessons[1].pk


def test_learners_only_ever_see_their_own_progress(learner, course, lessons, auth_client, django_user_model):
    post(learner, [event(lessons[0].pk, "lesson_started", position=42)])
    other = django_user_model.objects.create_user(
        email="b@example.com", password="x-Strong-pass-1", email_verified=True
    )
    client = auth_client(other)
    assert client.get(f"/api/v1/courses/{course.pk}/progress/").json()["required_completed_count"] == 0
    r = resume(client, course)
    assert (r["state"], r["position"]) == ("not_started", None)
    assert client.get("/api/v1/me/courses/").json()["results"] == []


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 401), ("student", 403), ("other_teacher", 404), ("teacher", 200), ("admin", 200)],
)
def test_teacher_progress_view_access(who, status, learner, student, course, auth_client, request):
    user = None if who == "anonymous" else request.getfixturevalue("admin_user" if who == "admin" else who)
    response = auth_client(user).get(f"/api/v1/teacher/courses/{course.pk}/progress/")
    assert response.status_code == status, response.content
    if status == 200:
        [row] = response.json()["results"]
        assert (
            row["user"]["id"],
            row["user"]["email"],
            row["required_completed_count"],
            row["required_lesson_count"],
        ) == (student.pk, student.email, 0, 4)


@pytest.mark.usefixtures("uncached_users")
def test_teacher_progress_view_runs_constant_queries(
    course, lessons, teacher, auth_client, django_user_model
):
    def add_learners(n, start):
        for i in range(start, start + n):
            user = django_user_model.objects.create_user(
                email=f"l{i}@example.com", password="x-Strong-pass-1", email_verified=True
            )
            client = auth_client(user)
            client.post(f"/api/v1/courses/{course.pk}/enrollment/")
            client.post("/api/v1/progress/events/", [event(lessons[0].pk)], format="json")

    def measure():
        client = auth_client(teacher)
        url = f"/api/v1/teacher/courses/{course.pk}/progress/?page_size=100"
        client.get(url)  # warm: per-user caches (the JWT user) must not count as the view's queries
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert all(row["required_completed_count"] == 1 for row in response.json()["results"])
        return len(ctx.captured_queries), len(response.json()["results"])

    add_learners(2, 0)
    small = measure()
    add_learners(8, 2)
    large = measure()
    assert (small[1], large[1]) == (2, 10)
    assert small[0] == large[0]
