"""Browser tests: code fields are edited as code (cms.code_editor), in a real Chromium.

A teacher adds a code block to a lesson and a test case to a challenge, types indented
code with the Tab key (Tab indents, it never leaves the field), saves, reloads and sees
the same text, and reads the same bytes back through the API. The screenshot test makes
docs/screenshots/lesson-editor.png (`make screenshots`).
"""

import pytest
import requests

from learning.accounts.tokens import tokens_for_user
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACE = ".code-editor__ace"
SOURCES = "textarea.code-editor__source"


def _type_indented(page, editor):
    """Type into an Ace editor with Tab / Shift-Tab; a tab character, trailing spaces and
    a blank line go in too. Returns what the field will submit."""
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.type("a();")
    page.keyboard.press("Enter")  # Ace keeps the indentation
    page.keyboard.press("Tab")
    page.keyboard.type("b();")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("c();")
    # Focus stayed in the editor through every Tab.
    assert page.evaluate("() => document.activeElement.classList.contains('ace_text-input')")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("\tx = 1;   ")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("// end")
    value = editor.locator("xpath=preceding-sibling::textarea[1]").input_value()
    assert value.startswith("  a();\n    b();\n  c();\n"), repr(value)
    assert "\tx = 1;   \n" in value and "\n\n" in value.replace(" ", "").replace("\t", ""), repr(value)
    return value


def _editor_values(page, container):
    """(textarea values, Ace values) of the code editors under `container`."""
    return page.evaluate(
        """(selector) => {
            const all = document.querySelectorAll(selector + ' [data-controller=code-editor]');
            const editors = Array.from(all);
            return [editors.map(e => e.querySelector('textarea').value),
                    editors.map(e => ace.edit(e.querySelector('.code-editor__ace')).getValue())];
        }""",
        container,
    )


def _save(page, button_name):
    with page.expect_navigation(timeout=30000):
        page.get_by_role("button", name=button_name, exact=True).click()
    assert page.locator(".help-critical, .error-message").count() == 0, page.content()[:3000]


def test_code_typed_with_tab_round_trips_through_editor_reload_and_api(
    live_server, browser, build_course, teacher
):
    from cms.models import LessonPage
    from learning.coding.tests.helpers import challenge_on_first_lesson

    course = build_course(title="Code course", modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    challenge = challenge_on_first_lesson(course, "Tab challenge")
    base = live_server.url
    api = {"Authorization": f"Bearer {tokens_for_user(teacher)['access']}"}
    context, page = login(browser, base, teacher)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # --- Lesson: a new code block added in the browser gets the editor. ---------------
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    body = "[data-contentpath=body]"
    existing = len(_editor_values(page, body)[0])
    assert existing == 1  # the lesson's code block, already an editor
    page.locator(f"{body} button[title='Insert a block']").last.click()
    page.get_by_role("option", name="Code").click()
    page.wait_for_function(f"() => document.querySelectorAll('{body} {ACE}').length === {existing + 1}")
    block = page.locator(f"{body} [data-controller=code-editor]").last
    # The highlighting follows the block's language, live.
    language = page.locator(f"{body} select[name$='-value-language']").last
    assert block.get_attribute("data-code-editor-mode") == "html"
    language.select_option("css")
    assert block.get_attribute("data-code-editor-mode") == "css"
    language.select_option("javascript")
    assert block.get_attribute("data-code-editor-mode") == "javascript"
    typed = _type_indented(page, block.locator(ACE))
    assert page.locator(f"{body} .ace_gutter-cell").count() >= 6  # line numbers
    _save(page, "Save draft")

    page.reload()
    sources, shown = _editor_values(page, body)
    assert sources[-1] == typed and shown[-1] == typed
    assert (
        page.locator(f"{body} [data-controller=code-editor]").last.get_attribute("data-code-editor-mode")
        == "javascript"
    )
    draft = requests.get(f"{base}/api/v1/authoring/lessons/{lesson.pk}/", headers=api, timeout=10)
    assert draft.status_code == 200, draft.text
    code_blocks = [b["value"] for b in draft.json()["fields"]["body"] if b["type"] == "code"]
    assert code_blocks[-1] == {"language": "javascript", "code": typed, "caption": ""}

    # --- Challenge: a test case added from the InlinePanel's template gets the editor. ---
    page.goto(f"{base}/admin/snippets/coding/challenge/edit/{challenge.pk}/")
    tests = "#id_tests-FORMS"
    assert len(_editor_values(page, tests)[0]) == 1
    page.get_by_role("button", name="Add test case").click()
    page.wait_for_function(f"() => document.querySelectorAll('{tests} {ACE}').length === 2")
    page.fill("#id_tests-1-description", "typed in the browser")
    test_code = _type_indented(page, page.locator(f"{tests} {ACE}").last)
    _save(page, "Save")

    page.goto(f"{base}/admin/snippets/coding/challenge/edit/{challenge.pk}/")
    sources, shown = _editor_values(page, tests)
    # (in sort order, where the helper's test, saved without one, may come first or last)
    assert sorted(sources) == sorted(shown) == sorted([test_code, "assert.equal(x, 3);"])
    response = requests.get(f"{base}/api/v1/teacher/challenges/{challenge.pk}/", headers=api, timeout=10)
    assert response.status_code == 200, response.text
    by_description = {t["description"]: t for t in response.json()["tests"]}
    assert by_description["typed in the browser"]["code"] == test_code
    assert by_description["is 3"]["code"] == "assert.equal(x, 3);"
    assert not errors, errors
    context.close()


@pytest.mark.screenshots
def test_lesson_editor_screenshot(live_server, browser, build_course, teacher):
    """docs/screenshots/lesson-editor.png: a lesson's code block as an author sees it."""
    from cms import services
    from cms.models import LessonPage

    course = build_course(title="Web basics", modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    code = (
        '<ul class="menu">\n'
        '  <li><a href="/">Home</a></li>\n'
        '  <li><a href="/about">About</a></li>\n'
        "</ul>\n"
        "<script>\n"
        "  document.querySelectorAll('.menu a').forEach((link) => {\n"
        "    link.addEventListener('click', () => console.log(link.href));\n"
        "  });\n"
        "</script>\n"
    )
    services.lesson_update(
        user=teacher,
        lesson=lesson,
        body=[
            {"type": "heading", "value": {"text": "A menu that logs its clicks", "level": "h2"}},
            {"type": "code", "value": {"language": "html", "code": code, "caption": "menu.html"}},
        ],
    )
    context, page = login(browser, live_server.url, teacher, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    block = page.locator("[data-contentpath=body] [data-controller=code-editor]").first
    page.wait_for_selector(f"[data-contentpath=body] {ACE} .ace_tag-name")  # highlighted
    block.locator(ACE).click()
    # The cursor after the `{` of line 6: Ace marks the matching `}` on line 8.
    page.evaluate(
        "() => { const e = ace.edit(document.querySelector('.code-editor__ace'));"
        " e.gotoLine(6, 0); e.navigateLineEnd(); }"
    )
    page.wait_for_selector(f"{ACE} .ace_bracket")
    page.evaluate("() => document.querySelector('[data-contentpath=body]').scrollIntoView()")
    path = screenshot(page, "lesson-editor")
    assert path.stat().st_size > 10_000
    context.close()
