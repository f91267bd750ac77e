"""The round-trip rule and the fields that apply it (see the package docstring)."""

from django import forms
from django.db import models

from .widgets import CodeEditor, MonospaceTextarea


def normalize_code(value):
    """The one rule for stored code: CRLF and lone CR become LF, nothing else changes.

    Browsers submit a textarea's line breaks as CRLF (HTML's form encoding), an API
    client or an imported file may send either; stored code always has LF, so a learner,
    the sandbox and the API all see one form. Non-strings (None) pass through."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


class CodeFormField(forms.CharField):
    """A form field for code: never strips whitespace, normalises line endings."""

    def __init__(self, *, language: str = "text", language_field: str | None = None, **kwargs):
        kwargs.setdefault("strip", False)
        kwargs.setdefault("widget", CodeEditor(language=language, language_field=language_field))
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_code(super().to_python(value))


class CodeTextField(models.TextField):
    """A TextField that holds code: every write through the ORM (forms, the API's
    services, imports, `update()`) stores it with `normalize_code`, and its form field is
    a `CodeFormField` with the code editor (or, with `editor=False`, a plain monospace
    textarea: for stdin or expected output)."""

    def __init__(
        self, *args, language: str = "text", language_field: str | None = None, editor=True, **kwargs
    ):
        self.language = language
        self.language_field = language_field
        self.editor = editor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.language != "text":
            kwargs["language"] = self.language
        if self.language_field:
            kwargs["language_field"] = self.language_field
        if not self.editor:
            kwargs["editor"] = False
        return name, path, args, kwargs

    def to_python(self, value):
        return normalize_code(super().to_python(value))

    def get_prep_value(self, value):
        return normalize_code(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        # The instance in memory holds what the database holds.
        value = normalize_code(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def widget(self):
        if not self.editor:
            return MonospaceTextarea()
        return CodeEditor(language=self.language, language_field=self.language_field)

    def formfield(self, **kwargs):
        # Whatever widget a generic form layer proposes (Wagtail's overrides for
        # TextField), code gets the code editor; an explicit code widget is kept.
        if not isinstance(kwargs.get("widget"), MonospaceTextarea):
            kwargs["widget"] = self.widget()
        return super().formfield(**{"form_class": CodeFormField, **kwargs})
