"""The editor's home as teachers and admins see it: the numbers of the selectors it
composes (learners, completions, average progress, pages in review, platform totals),
their constant query counts, and who sees what. Learners act through the real API;
pages go through the real review workflow (cms services)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import WorkflowState

from cms import services as cms_services
from cms.models import LessonPage
from cms.selectors import pages_in_workflow
from learning.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from learning.dashboard.overview import admin_overview, teacher_overview
from learning.progress.selectors import course_learner_stats

from .helpers import learners_in, reject, submit

pytestmark = pytest.mark.django_db

ACTIVE = (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES)


# --- numbers ------------------------------------------------------------------------


def test_course_learner_stats_numbers(build_course, auth_client, teacher):
    course = build_course(title="Numbers", modules=2, lessons_per_module=2)  # 4 required lessons
    draft = build_course(title="Unpublished", publish=False)
    learners_in(auth_client, course, [4, 1, 0])  # one completes, one at 25%, one at 0%
    learners_in(auth_client, course, [2], unenroll=True)  # left: not a current learner

    stats = course_learner_stats(courses=[course, draft])

    assert stats[course.pk].learners == 3
    assert stats[course.pk].completed == 1
    assert stats[course.pk].required_lessons == 4
    assert stats[course.pk].average_percent == round(100 * (4 + 1 + 0) / (3 * 4), 1) == 41.7
    assert stats[draft.pk].learners == 0 and stats[draft.pk].required_lessons == 0
    assert stats[draft.pk].average_percent is None


def test_optional_lessons_do_not_count(build_course, auth_client):
    course = build_course(title="Optional", modules=1, lessons_per_module=2)
    optional = LessonPage.objects.descendant_of(course).order_by("path").last()
    LessonPage.objects.filter(pk=optional.pk).update(required=False)
    learners_in(auth_client, course, [1])
    stats = course_learner_stats(courses=[course])[course.pk]
    assert (stats.required_lessons, stats.average_percent, stats.completed) == (1, 100.0, 1)


def test_pages_in_workflow_with_the_reviewers_comment(build_course, teacher, other_teacher, admin_user):
    mine = build_course(title="Mine", owner=teacher)
    theirs = build_course(title="Theirs", owner=other_teacher)
    lesson = LessonPage.objects.descendant_of(mine).first()
    cms_services.lesson_update(user=teacher, lesson=lesson, title="Rejected lesson")
    submit(lesson, teacher)
    reject(lesson, admin_user, "Add an example with a list, please.")
    waiting = LessonPage.objects.descendant_of(theirs).first()
    cms_services.lesson_update(user=other_teacher, lesson=waiting, title="Waiting lesson")
    submit(waiting, other_teacher)

    rows = pages_in_workflow(course_paths=[mine.path], statuses=ACTIVE)
    assert [(r.title, r.course_title, r.status) for r in rows] == [
        ("Rejected lesson", "Mine", WorkflowState.STATUS_NEEDS_CHANGES)
    ]
    assert rows[0].comment == "Add an example with a list, please."
    assert rows[0].reviewer and rows[0].reviewed_at is not None and rows[0].course_id == mine.pk

    queue = pages_in_workflow(course_paths=None, statuses=(WorkflowState.STATUS_IN_PROGRESS,))
    assert [(r.title, r.course_title, r.comment) for r in queue] == [("Waiting lesson", "Theirs", "")]
    assert pages_in_workflow(course_paths=[], statuses=ACTIVE) == []


def test_admin_totals(build_course, auth_client, teacher):
    course = build_course(title="Totals", modules=1, lessons_per_module=1)
    build_course(title="Draft", publish=False)
    learners_in(auth_client, course, [1, 0])
    UserFactory(role="student", is_active=False)  # not counted
    totals = admin_overview().totals
    assert totals["learners"] == 2
    assert (totals["courses"], totals["live_courses"]) == (2, 1)
    assert (totals["enrolments"], totals["enrolments_since"]) == (2, 2)
    assert (totals["completions"], totals["completions_since"]) == (1, 1)
    assert (totals["submissions"], totals["passed"]) == (0, 0)


# --- constant queries ---------------------------------------------------------------


def _courses_with_activity(build_course, auth_client, owner, admin, n, prefix):
    courses = []
    for i in range(n):
        course = build_course(title=f"{prefix} {i}", owner=owner, modules=2, lessons_per_module=1)
        learners_in(auth_client, course, [2, 1])
        lesson = LessonPage.objects.descendant_of(course).first()
        cms_services.lesson_update(user=owner, lesson=lesson, title=f"{prefix} {i} changed")
        submit(lesson, owner)
        if i % 2:
            reject(lesson, admin, f"Fix {prefix} {i}")
        courses.append(course)
    return courses


def _count(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_query_counts_do_not_grow_with_courses(
    build_course, auth_client, teacher, other_teacher, admin_user, django_assert_num_queries
):
    one = _courses_with_activity(build_course, auth_client, teacher, admin_user, 1, "One")
    many = _courses_with_activity(build_course, auth_client, other_teacher, admin_user, 4, "Many")

    for courses in (one, many):
        with django_assert_num_queries(4):
            stats = course_learner_stats(courses=courses)
        assert all(s.learners == 2 and s.average_percent == 75.0 for s in stats.values())
        with django_assert_num_queries(2):
            rows = pages_in_workflow(course_paths=[c.path for c in courses], statuses=ACTIVE)
        assert len(rows) == len(courses)

    teacher_overview(user=teacher)  # per-process caches (content types) warm
    teacher_one = _count(lambda: teacher_overview(user=UserFactory._meta.model.objects.get(pk=teacher.pk)))
    teacher_many = _count(
        lambda: teacher_overview(user=UserFactory._meta.model.objects.get(pk=other_teacher.pk))
    )
    assert teacher_one == teacher_many
    overview = teacher_overview(user=other_teacher)
    assert len(overview.courses) == 4 and len(overview.pages) == 4

    # The rendered panels too (what the home page adds on top of Wagtail's own).
    def render(user):
        client = Client()
        client.force_login(user)
        return client

    one_client, many_client = render(teacher), render(other_teacher)
    assert one_client.get("/admin/").status_code == 200  # warm caches of the session/site
    assert many_client.get("/admin/").status_code == 200
    assert _count(lambda: one_client.get("/admin/")) == _count(lambda: many_client.get("/admin/"))

    # learners 1, courses 1, enrolments and completions 2, submissions 1, the queue 2
    with django_assert_num_queries(7):
        admin_overview()
    _courses_with_activity(build_course, auth_client, teacher, admin_user, 2, "More")
    with django_assert_num_queries(7):
        assert len(admin_overview().queue) == 1 + 2 + 1  # waiting: the odd ones were rejected


# --- who sees what ------------------------------------------------------------------


def _editor(user) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def test_each_teacher_sees_only_their_courses_and_pages(
    build_course, auth_client, teacher, other_teacher, admin_user
):
    mine = build_course(title="Alpha course", owner=teacher, modules=1, lessons_per_module=2)
    theirs = build_course(title="Beta course", owner=other_teacher)
    learners_in(auth_client, mine, [2, 1])
    learners_in(auth_client, theirs, [1])
    my_lesson = LessonPage.objects.descendant_of(mine).first()
    cms_services.lesson_update(user=teacher, lesson=my_lesson, title="Alpha lesson in review")
    submit(my_lesson, teacher)
    reject(my_lesson, admin_user, "Alpha needs a summary")
    their_lesson = LessonPage.objects.descendant_of(theirs).first()
    cms_services.lesson_update(user=other_teacher, lesson=their_lesson, title="Beta lesson in review")
    submit(their_lesson, other_teacher)

    page = _editor(teacher).get("/admin/").content.decode()
    assert "Your courses" in page and "Alpha course" in page and "Beta course" not in page
    assert f'data-course-id="{mine.pk}"' in page
    assert "Alpha lesson in review" in page and "Alpha needs a summary" in page
    assert "Beta lesson in review" not in page
    assert "Platform totals" not in page and "Awaiting your review" not in page
    # 2 learners; one completed both lessons; (2 + 1) / (2 * 2) = 75%
    row = page.split(f'data-course-id="{mine.pk}"')[1].split("</tr>")[0]
    assert '<td data-stat="learners">2</td>' in row and '<td data-stat="completed">1</td>' in row
    assert "75.0%" in row

    page = _editor(other_teacher).get("/admin/").content.decode()
    assert "Beta course" in page and "Alpha course" not in page
    assert "Beta lesson in review" in page and "Alpha lesson in review" not in page
    assert "Alpha needs a summary" not in page

    page = _editor(admin_user).get("/admin/").content.decode()
    # The admin's moderation queue is Wagtail's own "Awaiting your review", with its
    # Approve / Request changes actions; the totals count what it lists.
    assert "Platform totals" in page and "Awaiting your review" in page and "Your courses" not in page
    assert '<td data-total="learners">3</td>' in page
    assert '<td data-total="enrolments">3 (3)</td>' in page
    assert '<td data-total="awaiting_review">1</td>' in page
    assert "Beta lesson in review" in page  # awaiting review
    assert "Alpha lesson in review" not in page  # changes requested: back with its author


def test_a_teacher_without_courses_is_told_so(build_course, teacher, other_teacher):
    build_course(title="Someone else's", owner=other_teacher)
    page = _editor(teacher).get("/admin/").content.decode()
    assert "You do not own a course yet." in page and "Someone else" not in page
    assert "None of your pages is waiting for review." in page
    assert 'data-dashboard="challenges"' not in page  # no course, no challenge panel


def test_student_cannot_reach_the_editor(student):
    client = Client()
    client.post("/admin/login/", {"username": student.email, "password": DEFAULT_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(student)  # even with a session
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
