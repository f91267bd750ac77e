"""Builders the dashboard tests share (also the browser test): learners who act through
the real API, pages through the real review workflow."""

import datetime as dt
import uuid

from django.utils import timezone

from cms import services as cms_services
from cms.selectors import moderation_items_for_user, published_lessons_of_course
from learning.accounts.tests.factories import UserFactory


def learners_in(auth_client, course, done_counts, unenroll=False):
    """One new student per entry, enrolled through the API, who completes that many of
    the course's published lessons (in tree order) through the progress API."""
    lessons = list(published_lessons_of_course(course))
    students = []
    for done in done_counts:
        student = UserFactory(role="student")
        client = auth_client(student)
        assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
        if done:
            occurred = (timezone.now() - dt.timedelta(seconds=5)).isoformat()
            events = [
                {
                    "event_id": str(uuid.uuid4()),
                    "type": "lesson_completed",
                    "lesson_id": lesson.pk,
                    "occurred_at": occurred,
                }
                for lesson in lessons[:done]
            ]
            response = client.post("/api/v1/progress/events/", {"events": events}, format="json")
            assert response.status_code == 200 and response.json()["accepted"] == done, response.content
        if unenroll:
            assert client.delete(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 204
        students.append(student)
    return students


def submit(page, user):
    cms_services.page_submit_for_review(user=user, page=page)


def reject(page, admin, comment):
    """The admin requests changes on `page`'s review task, with `comment`."""
    items = moderation_items_for_user(user=admin)
    item = next(i for i in items if int(i.workflow_state.object_id) == page.pk)
    cms_services.moderation_reject(user=admin, task_state_id=item.pk, comment=comment)
