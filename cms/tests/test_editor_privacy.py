"""A teacher's editor lists their own courses only (cms.permissions.CoursePagePermissionPolicy).

Another teacher's course, its lessons and the titles of their drafts appear nowhere a
teacher can look in the editor: the explorer, page search, the sidebar's page menu
(the admin pages API), page choosers, Site history and the Page types usage report.
The teacher's own pages do appear (including in the workflow report, which asks who
may `change` a page), and an admin still sees everything."""

import pytest

pytestmark = pytest.mark.django_db

SECRET = "Secret draft lesson"


@pytest.fixture
def courses(build_course, teacher, other_teacher):
    from cms.models import LessonPage

    mine = build_course(title="Mine course", owner=teacher)
    theirs = build_course(title="Theirs course", owner=other_teacher)
    lesson = LessonPage.objects.descendant_of(theirs).first()
    lesson.title = SECRET
    lesson.save_revision(user=other_teacher, log_action=True)
    mine_lesson = LessonPage.objects.descendant_of(mine).first()
    mine_lesson.title = "My draft lesson"
    mine_lesson.save_revision(user=teacher, log_action=True)
    return mine, theirs, lesson, mine_lesson


def _screens(index, theirs, lesson):
    """Every editor screen that lists pages, with the other course in scope."""
    return [
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/{theirs.pk}/",
        f"/admin/pages/{lesson.pk}/",
        "/admin/pages/search/?q=Secret",
        "/admin/pages/search/?q=Theirs",
        f"/admin/api/main/pages/?child_of={index.pk}",
        f"/admin/api/main/pages/?child_of={theirs.pk}",
        f"/admin/api/main/pages/{lesson.pk}/",
        f"/admin/choose-page/{index.pk}/",
        f"/admin/choose-page/{theirs.pk}/",
        "/admin/choose-page/search/?q=Secret",
        "/admin/choose-page/search/?q=Theirs",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/page-types-usage/",
        "/admin/reports/page-types-usage/results/",
        "/admin/reports/workflow/",
    ]


def test_a_teacher_sees_no_trace_of_another_teachers_course(client, courses, teacher):
    mine, theirs, lesson, _ = courses
    client.force_login(teacher)
    for url in _screens(mine.get_parent(), theirs, lesson):
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
        body = response.content.decode()
        assert "Theirs course" not in body and SECRET not in body, url


def test_a_teacher_still_finds_their_own_pages(client, courses, teacher):
    mine, _, _, mine_lesson = courses
    client.force_login(teacher)
    assert "Mine course" in client.get(f"/admin/pages/{mine.get_parent().pk}/").content.decode()
    assert "Mine course" in client.get("/admin/pages/search/?q=Mine").content.decode()
    assert "Mine course" in client.get("/admin/choose-page/search/?q=Mine").content.decode()
    listing = client.get(f"/admin/api/main/pages/?child_of={mine.pk}").json()
    assert listing["meta"]["total_count"] == 1
    assert "My draft lesson" in client.get("/admin/reports/site-history/").content.decode()
    # Editing still works as before (the tester): the own lesson's edit screen opens.
    assert client.get(f"/admin/pages/{mine_lesson.pk}/edit/").status_code == 200
    # The platform-wide report is an admin's, and not in a teacher's Reports menu.
    assert client.get("/admin/reports/page-types-usage/").status_code == 403
    assert "page-types-usage" not in client.get("/admin/").content.decode()


def test_own_pages_in_moderation_show_in_the_teachers_workflow_report(client, courses, teacher):
    _, _, _, mine_lesson = courses
    from wagtail.models import Workflow

    Workflow.objects.get(name="Course review").start(mine_lesson, teacher)
    client.force_login(teacher)
    assert "My draft lesson" in client.get("/admin/reports/workflow/").content.decode()


def test_an_admin_sees_every_course(client, courses, admin_user):
    mine, theirs, lesson, _ = courses
    client.force_login(admin_user)
    assert "Theirs course" in client.get(f"/admin/pages/{mine.get_parent().pk}/").content.decode()
    assert "Theirs course" in client.get("/admin/pages/search/?q=Theirs").content.decode()
    assert "Theirs course" in client.get("/admin/choose-page/search/?q=Theirs").content.decode()
    assert client.get("/admin/reports/page-types-usage/").status_code == 200
    assert "page-types-usage" in client.get("/admin/").content.decode()


def test_logged_out_callers_are_sent_to_the_login_page(client):
    response = client.get("/admin/reports/page-types-usage/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
