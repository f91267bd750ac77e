"""The code editor widget: a textarea that a Stimulus controller turns into Ace.

Why a Stimulus controller (cms/static/cms/code_editor/code-editor.js) and not
django-ace's own widget script: that script wires editors up once, on page load and on
Django admin's `formset:added`. Wagtail renders StreamField blocks in the browser
(telepath) and adds InlinePanel forms from templates, long after load; Stimulus
connects a controller to every matching element whenever it enters the page, so a new
code block, a duplicated one and a new test case all get the editor. Wagtail exposes
its Stimulus application as `window.wagtail.app` for exactly this.
https://docs.wagtail.org/en/stable/extending/extending_client_side.html
"""

import json

from django import forms

# Our language values (cms.blocks.CODE_LANGUAGES, Challenge.Language) -> Ace mode names.
# Each mode's file is part of the widget's media, so switching languages loads nothing.
ACE_MODES = {
    "html": "html",
    "css": "css",
    "javascript": "javascript",
    "json": "json",
    "markdown": "markdown",
    "text": "text",
    "bash": "sh",
    "python": "python",
}

ACE_DIR = "django_ace/ace"  # the Ace build shipped by the django-ace package


class MonospaceTextarea(forms.Textarea):
    """A plain textarea in a monospace font that keeps tabs and spaces visible as typed
    (for text that is not code but whose whitespace matters: stdin, expected output)."""

    def __init__(self, attrs=None):
        attrs = {"rows": 4, **(attrs or {})}
        attrs["class"] = f"code-editor__source {attrs.get('class', '')}".strip()
        attrs.setdefault("spellcheck", "false")
        super().__init__(attrs)

    @property
    def media(self):
        return forms.Media(css={"all": ["cms/code_editor/code-editor.css"]})


class CodeEditor(MonospaceTextarea):
    """A code editor for one field.

    language: the language highlighted (a key of ACE_MODES).
    language_field: the name of a sibling field whose value is the language (for a
        StreamField block, the child block's name, e.g. "language"; for a model form,
        the field's name). The highlighting follows it live; when there is no such
        field on the page, `language` is used.
    """

    template_name = "cms/code_editor/widget.html"

    def __init__(self, *, language: str = "text", language_field: str | None = None, attrs=None):
        if language not in ACE_MODES:
            raise ValueError(f"Unknown code language {language!r}; known: {', '.join(ACE_MODES)}.")
        self.language = language
        self.language_field = language_field
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["code_editor"] = {
            "language": self.language,
            "language_field": self.language_field or "",
            "modes": json.dumps(ACE_MODES),
        }
        return context

    @property
    def media(self):
        modes = [f"{ACE_DIR}/mode-{mode}.js" for mode in dict.fromkeys(ACE_MODES.values())]
        return forms.Media(
            css={"all": ["cms/code_editor/code-editor.css"]},
            js=[f"{ACE_DIR}/ace.js", *modes, "cms/code_editor/code-editor.js"],
        )
