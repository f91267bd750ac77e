"""Browser test: the editor's Preview works out of the box.

A teacher edits a lesson in the Wagtail editor (title and body text, not saved), opens
the preview side panel and sees the draft there, served by the platform's own preview
page (/preview/) inside Wagtail's preview iframe; then "Preview in new tab" shows it too.

How the preview URL resolves (docs/preview.md): Wagtail's preview view answers with a
small page (wagtail-headless-preview) whose iframe points at
`WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]["default"]` (FRONTEND_PREVIEW_URL) plus
`?content_type=…&token=…`. The default is the path `/preview/`, which the browser
resolves against the editor's origin, so it follows the live server's random port with
no setting; the second half of the test sets an absolute URL (what a deployment with a
real front end does) to the live server's own address, through the setting.
"""

import pytest

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED_TITLE = "Title typed in the editor"
TYPED_TEXT = "Words typed into the body"


def _preview_text(frame_owner) -> str:
    """The text of the preview page inside Wagtail's preview frame (the headless preview
    template's iframe, one level further down)."""
    inner = frame_owner.frame_locator("iframe").first.locator("main")
    inner.get_by_text(TYPED_TEXT).wait_for()
    return inner.inner_text()


def test_editor_preview_shows_the_draft(live_server, browser, build_course, teacher, settings):
    from cms.models import LessonPage

    course = build_course(title="Preview course")
    lesson = LessonPage.objects.descendant_of(course).first()
    base = live_server.url

    context, page = login(browser, base, teacher)
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    page.fill("#id_title", TYPED_TITLE)
    # The body's first rich text block (Draftail): type a sentence at its end.
    editor = page.locator("#panel-child-content-body-content .public-DraftEditor-content").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(f" {TYPED_TEXT}.")
    # Draftail writes its content into the form's hidden input a moment later; an author
    # takes longer than that to reach the Preview button, a script does not.
    page.wait_for_function(
        "text => [...document.querySelectorAll('input[name^=\"body-\"]')].some(i => i.value.includes(text))",
        arg=TYPED_TEXT,
    )

    # The preview side panel: Wagtail posts the form, then frames its preview view.
    page.click("button[data-side-panel-toggle='preview']")
    panel = page.frame_locator("#w-preview-iframe")
    text = _preview_text(panel)
    assert TYPED_TITLE in text and TYPED_TEXT in text
    assert "Starter files" in text and "index.html" in text
    src = panel.locator("iframe").first.get_attribute("src")
    assert src.startswith("/preview/?content_type=cms.lessonpage&token="), src

    # A deployment points the preview at an absolute URL: the setting wagtail-headless-
    # preview reads (its own settings object reloads on Django's setting_changed).
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": f"{base}/preview/"},
    }
    with context.expect_page() as new_tab:
        page.click("a[data-w-preview-target='newTab']")
    tab = new_tab.value
    tab.wait_for_load_state()
    text = _preview_text(tab)
    assert TYPED_TITLE in text and TYPED_TEXT in text
    assert tab.locator("iframe").first.get_attribute("src").startswith(f"{base}/preview/?")
    context.close()

    # Nothing was saved: the preview showed the editor's unsaved form.
    assert LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().title != TYPED_TITLE
