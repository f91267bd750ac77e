"""Template filters of the built-in preview page (cms/templates/cms/preview.html)."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

register = template.Library()

# Class names only (no inline style attributes): the colours come from the page's one
# stylesheet, whose hash is in the Content-Security-Policy (cms/views.py).
FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


@register.filter
def highlight(code, language) -> SafeString:
    """Code as Pygments HTML. Pygments escapes every character of `code` itself (the
    author's text never reaches the page unescaped); unknown languages are plain text."""
    try:
        lexer = get_lexer_by_name(str(language or "text"))
    except ClassNotFound:
        lexer = TextLexer()
    return mark_safe(pygments_highlight(str(code or ""), lexer, FORMATTER))  # noqa: S308
