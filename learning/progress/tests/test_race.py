"""Two "last lesson completed" batches racing in real threads, each with its own
database connection and transaction, produce one completion record."""

import threading

import pytest
from django.db import connection

from learning.progress.models import CourseCompletion

from .conftest import event

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_completes_produce_a_single_completion(build_course, student, auth_client):
    course = build_course(modules=1, lessons_per_module=2, title="Race")
    from cms.selectors import published_lessons_of_course

    lessons = list(published_lessons_of_course(course))
    client = auth_client(student)
    client.post(f"/api/v1/courses/{course.pk}/enrollment/")
    client.post("/api/v1/progress/events/", [event(lessons[0].pk)], format="json")

    rounds = 4 if connection.vendor == "postgresql" else 2
    for _ in range(rounds):
        CourseCompletion.objects.all().delete()
        from learning.progress.models import LessonProgress

        LessonProgress.objects.filter(lesson=lessons[1].pk).delete()
        barrier = threading.Barrier(2)
        results, errors = [], []

        def complete(barrier=barrier, results=results, errors=errors):
            try:
                thread_client = auth_client(student)
                barrier.wait(timeout=10)
                response = thread_client.post(
                    "/api/v1/progress/events/", [event(lessons[1].pk)], format="json"
                )
                results.append(response.status_code)
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=complete) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert results == [200, 200]
        assert CourseCompletion.objects.filter(user=student, course=course).count() == 1
