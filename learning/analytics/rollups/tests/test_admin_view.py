"""Reports > Learning analytics in the Wagtail editor: admins see the active-learners
chart and a course funnel as inline SVG drawn from the rollups; teachers are sent back
to the dashboard; a bad range is a 400 page, not a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from learning.analytics.rollups.services import rollups_rebuild

from .helpers import actor, at, event, store, structure

pytestmark = pytest.mark.django_db

URL = "/admin/learning-analytics/"
MON = dt.date(2026, 9, 7)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def course(build_course):
    course = build_course(modules=1, lessons_per_module=1, title="Charted")
    ((module, (lesson,)),) = structure(course)
    for name in ("a", "b", "c"):
        actor(name, MON)
    store(
        [
            event("enrolled", "a", at(MON), course=course.pk),
            event("enrolled", "b", at(MON), course=course.pk),
            event("lesson_started", "a", at(MON, 13), course=course.pk, lesson=lesson),
            event("lesson_completed", "a", at(MON, 14), course=course.pk, module=module, lesson=lesson),
            event("course_completed", "a", at(MON, 15), course=course.pk),
            event("code_run", "c", at(MON + dt.timedelta(days=7))),
        ]
    )
    rollups_rebuild()
    return course


def test_admin_sees_the_active_learners_chart_and_a_course_funnel(course, admin_user):
    response = _client(admin_user).get(
        URL, {"start": "2026-09-01", "end": "2026-09-30", "granularity": "week", "course": course.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="active-learners-chart"' in html and "<polyline" in html
    assert "2026-09-07: 2" in html and "2026-09-14: 1" in html  # weekly active learners
    assert 'id="course-funnel-chart"' in html and "Funnel: Charted" in html
    assert "enrolled: 2" in html and "completed course: 1" in html
    assert "<script" not in html.split('id="active-learners-chart"')[1].split("</svg>")[0]


def test_the_menu_item_is_for_admins(course, admin_user, teacher):
    assert (
        URL in _client(admin_user).get("/admin/reports/").content.decode()
        or URL in _client(admin_user).get("/admin/").content.decode()
    )
    response = _client(teacher).get(URL)
    assert response.status_code == 302 and response["Location"].endswith("/admin/")


def test_a_bad_range_is_a_400_page(admin_user, db):
    response = _client(admin_user).get(URL, {"start": "2010-01-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert 'id="analytics-error"' in response.content.decode()
    assert _client(admin_user).get(URL, {"granularity": "hour"}).status_code == 400
    assert _client(admin_user).get(URL, {"course": "not-a-course"}).status_code == 400
