"""Browser test: the admin-first authoring loop in a real headless Chromium.

A teacher logs into the Wagtail editor, creates a lesson in their course and submits it
to the "Course review" workflow; another teacher is refused the same course; an admin
logs in and approves; the learner API then shows the lesson. The test runs its own
server (pytest-django's live_server) and Debian's chromium (never a downloaded browser).
"""

import pytest
import requests

from learning.accounts.tokens import tokens_for_user
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_creates_and_submits_admin_approves_learner_sees(
    live_server,
    browser,
    build_course,
    teacher,
    other_teacher,
    admin_user,
    student,  # noqa: F811
):
    from cms.models import LessonPage, ModulePage

    course = build_course(title="Browser course", modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    base = live_server.url

    # The teacher creates a lesson in the editor and submits it for review.
    context, page = login(browser, base, teacher)
    page.goto(f"{base}/admin/pages/add/cms/lessonpage/{module.pk}/")
    page.fill("#id_title", "Made in the browser")
    # Wagtail fills the slug from the title in the browser; under load the submit can win
    # that race and come back with "slug required". An author would type it: so do we.
    page.evaluate(
        "() => { const s = document.querySelector('#id_slug');"
        " if (s && !s.value) s.value = 'made-in-the-browser'; }"
    )
    page.locator("footer button[aria-label='More actions'], footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(timeout=30000):  # Wagtail redirects once the revision is saved
        page.click("button[name='action-submit']")
    assert "/add/" not in page.url, page.content()[:2000]
    context.close()
    lesson = LessonPage.objects.get(title="Made in the browser")
    assert lesson.get_parent().pk == module.pk and not lesson.live
    assert lesson.current_workflow_state.status == "in_progress"
    assert lesson.get_latest_revision().user == teacher

    # Another teacher may not add to (or edit in) this course.
    context, page = login(browser, base, other_teacher)
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    assert "/edit/" not in page.url or page.locator("#id_title").count() == 0
    page.goto(f"{base}/admin/pages/add/cms/lessonpage/{module.pk}/")
    assert page.locator("#id_title").count() == 0
    context.close()

    # Not visible to learners while in review.
    headers = {"Authorization": f"Bearer {tokens_for_user(student)['access']}"}
    assert requests.get(f"{base}/api/v1/lessons/{lesson.pk}/", headers=headers, timeout=10).status_code == 404

    # The admin approves in the editor.
    context, page = login(browser, base, admin_user)
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    page.locator("footer button[aria-label='More actions'], footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(timeout=30000):
        page.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        ).click()
    context.close()
    lesson.refresh_from_db()
    assert lesson.live

    # The learner API shows it, in the course outline and as a lesson.
    response = requests.get(f"{base}/api/v1/lessons/{lesson.pk}/", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Made in the browser"
    outline = requests.get(f"{base}/api/v1/courses/{course.pk}/", headers=headers, timeout=10).json()
    assert "Made in the browser" in [item["title"] for item in outline["modules"][0]["lessons"]]


def test_teacher_finds_own_challenges_in_the_editor(
    live_server, browser, build_course, teacher, other_teacher
):
    from learning.coding.tests.helpers import challenge_on_first_lesson as challenge

    mine = challenge(build_course(title="Mine", owner=teacher), "My browser challenge")
    challenge(build_course(title="Theirs", owner=other_teacher), "Their browser challenge")
    base = live_server.url

    context, page = login(browser, base, teacher)
    page.locator("#wagtail-sidebar a", has_text="Challenges").click()
    page.wait_for_url(f"{base}/admin/snippets/coding/challenge/")
    listing = page.locator("main")
    assert listing.get_by_text("My browser challenge").count() == 1
    assert listing.get_by_text("Their browser challenge").count() == 0
    listing.get_by_role("link", name="My browser challenge").click()
    page.wait_for_url(f"{base}/admin/snippets/coding/challenge/edit/{mine.pk}/")
    assert page.locator("#id_title").input_value() == "My browser challenge"
    context.close()
