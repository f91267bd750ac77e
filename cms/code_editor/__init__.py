"""Code fields edited as code: one widget, one form field, one model field, one block.

Every field that holds code (a lesson's code blocks and starter files, a challenge's
starter source, reference solution and tests; later quiz code questions and project
templates) is declared with one of these, never with a bare TextField/TextBlock:

* `CodeTextBlock(language=..., language_field=...)` for a StreamField block;
* `CodeTextField(language=..., language_field=...)` for a model field (a TextField);
* `CodeFormField` / `CodeEditor` for a plain Django form.

What the author gets (the `CodeEditor` widget): the Ace editor from the django-ace
package, served from our own static files (no CDN): monospace, syntax highlighting
(HTML, CSS, JavaScript, JSON, Markdown, shell, Python), line numbers, Tab / Shift-Tab
indent (Tab never leaves the field), bracket matching, auto-indent. With
`language_field` the highlighting follows a sibling choice field (a code block's
`language`) live. The textarea underneath stays the submitted value: without
JavaScript it is a monospace textarea. `MonospaceTextarea` is the plain variant for
text that is not code (a test's stdin and expected output).

The round-trip rule (`normalize_code`, applied on every write: the form field, the
block's and the model field's storage conversion): line endings become LF (CRLF and
a lone CR each become one LF); nothing else changes: tabs, leading and trailing spaces,
blank lines and the final newline are kept byte for byte (Django's CharField would
strip them: these fields never do). Details: docs/authoring.md, "Code fields".
"""

from .blocks import CodeTextBlock
from .fields import CodeFormField, CodeTextField, normalize_code
from .widgets import ACE_MODES, CodeEditor, MonospaceTextarea

__all__ = [
    "ACE_MODES",
    "CodeEditor",
    "CodeFormField",
    "CodeTextBlock",
    "CodeTextField",
    "MonospaceTextarea",
    "normalize_code",
]
