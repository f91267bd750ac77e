"""Browser test: the quiz authoring flow in a real headless Chromium (issue 15).

A teacher creates a question in the question bank snippet editor (rich-text stem,
options inline), builds a quiz page under a module of their course choosing that
question in the snippet chooser, and submits the quiz for review; an admin approves it;
a learner then starts an attempt over the API and gets the question without its
answers. Runs its own server (live_server) and Debian's chromium.
"""

import pytest
import requests

from learning.accounts.tokens import tokens_for_user
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_creates_question_builds_quiz_submits_for_review(
    live_server, browser, build_course, teacher, admin_user, student
):
    from cms.models import ModulePage
    from learning.assessments.models import Question, QuizPage

    course = build_course(title="Quiz course", modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    base = live_server.url

    # 1. A question in the bank.
    context, page = login(browser, base, teacher)
    page.locator("#wagtail-sidebar a", has_text="Question bank").click()
    page.wait_for_url(f"{base}/admin/snippets/assessments/question/")
    page.goto(f"{base}/admin/snippets/assessments/question/add/")
    page.fill("#id_title", "Paragraph tag")
    page.select_option("#id_course", str(course.pk))
    page.select_option("#id_question_type", "single")
    stem = page.locator(".public-DraftEditor-content").first  # the stem's Draftail editor
    page.wait_for_selector(".Draftail-Editor")  # Draftail mounted: typing before it is lost
    stem.click()
    page.keyboard.type("Which tag makes a paragraph?")
    # Draftail saves into its hidden input on a debounce: wait for the saved value, or a
    # quick submit (a busy machine) posts an empty stem.
    page.wait_for_function(
        "() => (document.querySelector('input[name=\"stem\"]') || {value: ''}).value.includes('paragraph')"
    )
    for i, (text, correct) in enumerate([("<p>", True), ("<span>", False)]):
        page.click("#id_options-ADD")
        page.fill(f"#id_options-{i}-text", text)
        if correct:
            page.check(f"#id_options-{i}-is_correct")
        page.fill(f"#id_options-{i}-feedback", "Right." if correct else "That one is inline.")
    with page.expect_navigation(timeout=30000):
        page.click("button[type=submit]:has-text('Save')")
    assert "/add/" not in page.url, page.locator(
        ".error-message, .help-critical, .w-field__errors"
    ).all_inner_texts()
    question = Question.objects.get(title="Paragraph tag")
    assert question.course_id == course.pk and question.current_version is not None
    assert [o["correct"] for o in question.current_version.content["options"]] == [True, False]
    assert "paragraph" in question.current_version.content["stem"]

    # 2. A quiz under the module, with the question chosen in the chooser; submitted for review.
    page.goto(f"{base}/admin/pages/add/assessments/quizpage/{module.pk}/")
    page.fill("#id_title", "Module check")
    page.evaluate(
        "() => { const s = document.querySelector('#id_slug'); if (s && !s.value) s.value = 'module-check'; }"
    )
    # min_num=1: the form opens with one slot
    page.select_option("#id_slots-0-kind", "fixed")
    page.locator("#id_slots-0-question-chooser button.chooser__choose-button").click()
    page.locator(".modal-content a", has_text="Paragraph tag").first.click()
    page.wait_for_function("() => document.querySelector('#id_slots-0-question').value !== ''")
    screenshot(page, "quiz-editor")
    page.locator("footer button[aria-label='More actions'], footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(timeout=30000):
        page.click("button[name='action-submit']")
    assert "/add/" not in page.url, page.locator(
        ".messages, .w-field--error, .help-critical, .error-message"
    ).all_inner_texts()
    context.close()
    quiz = QuizPage.objects.get(title="Module check")
    assert quiz.get_parent().pk == module.pk and not quiz.live
    assert [s.question_id for s in quiz.slots.all()] == [question.pk]
    assert quiz.current_workflow_state.status == "in_progress"

    headers = {"Authorization": f"Bearer {tokens_for_user(student)['access']}"}
    start = f"{base}/api/v1/quizzes/{quiz.pk}/attempts/"
    assert requests.post(start, json={}, headers=headers, timeout=10).status_code == 404  # in review

    # 3. The admin approves it; the learner can start it and sees no answers.
    context, page = login(browser, base, admin_user)
    page.goto(f"{base}/admin/pages/{quiz.pk}/edit/")
    page.locator("footer button[aria-label='More actions'], footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(timeout=30000):
        page.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        ).click()
    page.wait_for_url(lambda url: "/edit/" not in url, timeout=30000)  # approved: back to the explorer
    messages = page.locator(".messages").all_inner_texts()
    context.close()
    quiz.refresh_from_db()
    assert quiz.live, messages
    response = requests.post(start, json={}, headers=headers, timeout=20)
    assert response.status_code == 201, response.text
    shown = response.json()["questions"][0]
    assert sorted(o["text"] for o in shown["options"]) == ["<p>", "<span>"]
    assert "Right." not in response.text and '"correct"' not in response.text
    outline = requests.get(f"{base}/api/v1/courses/{course.pk}/", headers=headers, timeout=10).json()
    assert [q["title"] for q in outline["modules"][0]["quizzes"]] == ["Module check"]
