"""The StreamField block for code (a lesson's code sample, a starter file)."""

from functools import cached_property

from wagtail import blocks

from .fields import CodeFormField, normalize_code
from .widgets import CodeEditor


class CodeTextBlock(blocks.TextBlock):
    """A TextBlock for code: the code editor, no stripping, LF line endings.

    language_field: the sibling child block of the enclosing StructBlock that holds the
    language (e.g. "language"); the editor's highlighting follows it live.
    Every value that enters (the editor's form, the authoring API and imports through
    `stream_block.clean`, raw stream data through `to_python`) and every value stored
    (`get_prep_value`) goes through `normalize_code`."""

    def __init__(self, *args, language: str = "text", language_field: str | None = None, **kwargs):
        self.language = language
        self.language_field = language_field
        super().__init__(*args, **kwargs)

    @cached_property
    def field(self):
        return CodeFormField(
            widget=CodeEditor(language=self.language, language_field=self.language_field),
            **self.field_options,
        )

    def to_python(self, value):
        return normalize_code(super().to_python(value))

    def get_prep_value(self, value):
        return normalize_code(super().get_prep_value(value))

    class Meta:
        icon = "code"
