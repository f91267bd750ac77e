"""Browser test: the teacher's dashboard on the editor's home, in a real headless
Chromium, with the demo content (`load_demo`'s loaders: the "Web basics" course of the
demo teacher and its challenges). Learners enrol and progress through the API; the
admin requests changes on a lesson; a challenge's reference solution is broken and
checked in the sandbox through the teacher check API. The demo teacher then sees the
course's numbers, the reviewer's comment and the failing challenge; a student cannot
reach the editor. Also makes docs/screenshots/teacher-dashboard.png (`make screenshots`).
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string

from cms import services as cms_services
from cms.models import CoursePage, LessonPage
from learning.accounts.tests.factories import DEFAULT_PASSWORD
from learning.coding.models import Challenge
from learning.dashboard.tests.helpers import learners_in, reject, submit
from learning.progress.selectors import course_learner_stats
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

DEMO_LOADERS = ("learning.accounts.demo.load", "cms.demo.load", "learning.coding.demo.load")


def _demo_user(email):
    user = get_user_model().objects.get(email=email)
    user.set_password(DEFAULT_PASSWORD)  # what tests.browser.login() types
    user.save()
    return user


def test_demo_teacher_sees_the_demo_course_numbers_and_a_student_cannot(
    live_server, browser, course_index, auth_client
):
    for loader in DEMO_LOADERS:
        import_string(loader)()
    teacher = _demo_user("teacher@mrict.local")
    admin = _demo_user("admin@mrict.local")
    student = _demo_user("student@mrict.local")
    course = CoursePage.objects.get(slug="web-basics")

    # Three learners: one finishes the 9 required lessons, one does 3, one has not started.
    learners_in(auth_client, course, [9, 3, 0])
    stats = course_learner_stats(courses=[course])[course.pk]
    assert (stats.learners, stats.completed, stats.required_lessons) == (3, 1, 9)
    assert stats.average_percent == 44.4  # (9 + 3 + 0) / (3 * 9)

    # The teacher edits a lesson and submits it; the admin asks for changes.
    lesson = LessonPage.objects.descendant_of(course).get(slug="box-model")
    cms_services.lesson_update(user=teacher, lesson=lesson, title="The box model (margins)")
    submit(lesson, teacher)
    reject(lesson, admin, "Show margin collapsing with a picture.")

    # A challenge whose reference solution is broken, checked in the sandbox.
    client = auth_client(teacher)
    broken = Challenge.objects.get(course=course, title="Sum of an array")
    current = client.get(f"/api/v1/teacher/challenges/{broken.pk}/").json()
    # A PUT takes the writable fields only (the read-only `id`s would be a 400).
    writable = ("lesson_id", "title", "prompt", "language", "starter_source", "sort_order")
    body = {key: current[key] for key in writable}
    body["tests"] = [{k: v for k, v in test.items() if k != "id"} for test in current["tests"]]
    body["reference_solution"] = "function sum(numbers) { return 0; }"
    assert client.put(f"/api/v1/teacher/challenges/{broken.pk}/", body, format="json").status_code == 200
    check = client.post(f"/api/v1/teacher/challenges/{broken.pk}/check/")
    assert check.status_code == 200 and check.json()["passed"] is False

    base = live_server.url
    context, page = login(browser, base, teacher, viewport={"width": 1400, "height": 1300})
    page.goto(f"{base}/admin/")
    row = page.locator(f"[data-dashboard=courses] tr[data-course-id='{course.pk}']")
    assert row.locator("td.title").inner_text().strip() == course.draft_title
    assert row.locator("[data-stat=learners]").inner_text().strip() == "3"
    assert row.locator("[data-stat=completed]").inner_text().strip() == "1"
    assert row.locator("[data-stat=average]").inner_text().startswith("44.4%")
    # the demo's challenges all pass their check; the broken one does not
    total = Challenge.objects.filter(course=course).count()
    assert total >= 4
    assert f"{total - 1} of {total} pass their check" in row.locator("[data-stat=challenges]").inner_text()
    pages = page.locator("[data-dashboard=pages]")
    assert "The box model (margins)" in pages.inner_text()
    assert "Show margin collapsing with a picture." in pages.inner_text()
    failing = page.locator(f"[data-dashboard=challenges] tr[data-challenge-id='{broken.pk}']")
    assert failing.get_attribute("data-state") == "failed"
    assert "Fails" in failing.inner_text() and "Test 1" in failing.inner_text()
    screenshot(page, "teacher-dashboard")
    context.close()

    # A student signs in with the right password and still gets no editor.
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", student.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/")
    assert "/admin/login/" in page.url
    assert page.locator("[data-dashboard]").count() == 0 and "Web basics" not in page.content()
    context.close()
