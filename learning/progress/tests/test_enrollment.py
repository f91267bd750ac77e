import pytest
from django.conf import settings

from learning.progress.models import Enrollment, LessonProgress

from .conftest import event

pytestmark = pytest.mark.django_db


def test_enroll_twice_is_a_no_op(student, auth_client, course):
    client = auth_client(student)
    first = client.post(f"/api/v1/courses/{course.pk}/enrollment/")
    second = client.post(f"/api/v1/courses/{course.pk}/enrollment/")
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (second.status_code, second.json()["created"]) == (200, False)
    assert Enrollment.objects.filter(user=student, course=course).count() == 1


def test_unenroll_then_reenroll_keeps_history(student, learner, course, lessons):
    learner.post("/api/v1/progress/events/", event(lessons[0].pk), format="json")
    assert learner.delete(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 204
    assert learner.get("/api/v1/me/courses/").json()["results"] == []
    # while unenrolled, new events are rejected
    rejected = learner.post("/api/v1/progress/events/", event(lessons[1].pk), format="json").json()
    assert rejected["results"][0]["code"] == "not_enrolled"
    again = learner.post(f"/api/v1/courses/{course.pk}/enrollment/")
    assert again.status_code == 201
    mine = learner.get("/api/v1/me/courses/").json()["results"]
    assert [(c["course"]["id"], c["required_completed_count"], c["required_lesson_count"]) for c in mine] == [
        (course.pk, 1, 4)
    ]
    assert LessonProgress.objects.filter(user=student).count() == 1


def test_cannot_enroll_in_a_draft_or_unknown_course(student, auth_client, build_course):
    draft = build_course(publish=False, title="Draft")
    client = auth_client(student)
    assert client.post(f"/api/v1/courses/{draft.pk}/enrollment/").status_code == 404
    assert client.post("/api/v1/courses/999999/enrollment/").status_code == 404


def test_unverified_and_anonymous_users_cannot_learn(auth_client, course, django_user_model):
    unverified = django_user_model.objects.create_user(email="new@example.com", password="x-Strong-pass-1")
    response = auth_client(unverified).post(f"/api/v1/courses/{course.pk}/enrollment/")
    assert response.status_code == 403
    assert "Verify your email" in response.json()["errors"][0]["detail"]
    assert auth_client(None).post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 401


@pytest.mark.usefixtures("uncached_users")
def test_my_courses_runs_constant_queries(student, auth_client, build_course, django_assert_num_queries):
    """The first read after a change (a miss: enrolling changes the learner's token) and a
    repeat (a hit, from the cache) each run a fixed number of queries, whatever the
    number of courses; the hit runs fewer: the user, and without Redis the tokens."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = auth_client(student)
    url = "/api/v1/me/courses/?page_size=100"
    client.get(url)  # the learner's and the catalog's tokens exist from here on

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()

    def enroll_and_measure(n):
        for i in range(n):
            c = build_course(modules=1, lessons_per_module=2, title=f"C{n}-{i}")
            client.post(f"/api/v1/courses/{c.pk}/enrollment/")
        (miss, body), (hit, again) = count(), count()
        assert body == again
        return miss, hit, len(body["results"])

    small = enroll_and_measure(1)
    large = enroll_and_measure(6)
    assert small[2] == 1 and large[2] == 7
    assert small[:2] == large[:2]
    assert small[1] == (1 if settings.REDIS_URL else 2) < small[0]  # the user (uncached_users)
