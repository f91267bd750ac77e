"""Code fields edited as code (cms.code_editor): the round-trip rule, the widget's HTML
and media (local static files only), the lesson editor using it, and the rule through
the authoring API. The browser side: tests/test_browser_code_editor.py."""

import re

import pytest
from django.contrib.staticfiles import finders

from cms.blocks import CodeBlock, StarterFileBlock
from cms.code_editor import ACE_MODES, CodeEditor, CodeTextBlock, MonospaceTextarea, normalize_code
from cms.models import LessonPage

# Tabs, leading and trailing spaces, blank lines, a final newline, and each line ending.
MESSY = "\tfunction f() {  \r\n\r\n    return 1;\t\r\n}\r  \n"
CLEAN = "\tfunction f() {  \n\n    return 1;\t\n}\n  \n"


def test_the_rule_is_lf_line_endings_and_nothing_else():
    assert normalize_code(MESSY) == CLEAN
    assert normalize_code("a\r\r\nb") == "a\n\nb"  # a lone CR, then a CRLF: two line breaks
    assert normalize_code("  only spaces  ") == "  only spaces  "
    assert normalize_code("") == "" and normalize_code(None) is None


def test_widget_keeps_the_value_in_a_monospace_textarea_under_the_controller():
    html = CodeEditor(language="css", language_field="language").render("body-0-value-code", "\n  a {}\t")
    assert 'data-controller="code-editor"' in html
    assert 'data-code-editor-language-value="css"' in html
    assert 'data-code-editor-language-field-value="language"' in html
    assert 'class="code-editor__source"' in html and 'name="body-0-value-code"' in html
    # Django's textarea template adds one newline after the tag, so a leading newline survives.
    assert ">\n\n  a {}\t</textarea>" in html
    plain = MonospaceTextarea().render("tests-0-input", "  x")
    assert 'class="code-editor__source"' in plain and "data-controller" not in plain
    with pytest.raises(ValueError):
        CodeEditor(language="cobol")


def test_widget_media_is_served_from_our_static_files():
    media = CodeEditor().media
    paths = list(media._js) + [p for paths in media._css.values() for p in paths]
    assert "django_ace/ace/ace.js" in paths and "cms/code_editor/code-editor.js" in paths
    for mode in set(ACE_MODES.values()):
        assert f"django_ace/ace/mode-{mode}.js" in paths
    for path in paths:
        assert "//" not in path and not path.startswith("/"), path  # no CDN, no other host
        assert finders.find(path), f"{path} is not in any static directory"
    rendered = str(media)
    assert "http://" not in rendered and "https://" not in rendered


def test_every_code_field_of_a_lesson_uses_the_code_editor():
    code = CodeBlock().child_blocks["code"]
    content = StarterFileBlock().child_blocks["content"]
    for block in (code, content):
        assert isinstance(block, CodeTextBlock)
        assert isinstance(block.field.widget, CodeEditor) and block.field.strip is False
        assert block.field.widget.language_field == "language"


def test_code_block_clean_and_storage_keep_whitespace_and_use_lf():
    block = CodeBlock()
    cleaned = block.clean(block.to_python({"language": "javascript", "code": MESSY, "caption": ""}))
    assert cleaned["code"] == CLEAN
    assert block.get_prep_value(cleaned)["code"] == CLEAN
    # Stored data written before the rule (CRLF) reads back with LF.
    assert block.to_python({"language": "css", "code": "a\r\nb", "caption": ""})["code"] == "a\nb"


def test_lesson_editor_page_renders_code_blocks_with_the_editor(client, build_course, teacher):
    course = build_course(publish=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    client.force_login(teacher)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/django_ace/ace/ace.js" in page and "/static/cms/code_editor/code-editor.js" in page
    # StreamField blocks are rendered in the browser from telepath data holding the widget.
    assert re.search(r"data-controller=.{1,12}code-editor.{0,3000}name=.{1,12}__NAME__", page)


def test_code_round_trips_through_the_authoring_api(auth_client, build_course, teacher):
    course = build_course(publish=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    client = auth_client(teacher)
    response = client.patch(
        f"/api/v1/authoring/lessons/{lesson.pk}/",
        {
            "body": [{"type": "code", "value": {"language": "javascript", "code": MESSY, "caption": ""}}],
            "starter_files": [{"name": "main.js", "language": "javascript", "content": MESSY}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    fields = client.get(f"/api/v1/authoring/lessons/{lesson.pk}/").json()["fields"]
    assert fields["body"][0]["value"]["code"] == CLEAN
    assert fields["starter_files"][0]["content"] == CLEAN
    stored = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    assert stored.body[0].value["code"] == CLEAN and stored.starter_code[0].value["content"] == CLEAN
