"""The request parsers of the API: DRF's JSON and multipart parsers plus the input
rules every endpoint relies on, applied once here rather than per field.

- Nesting depth: JSON deeper than API_MAX_JSON_DEPTH is a 400. Python's json module
  recurses per level, and so does everything after it (serializers, json.dumps of a
  JSONField), so a body of 100 KB of `[[[...` used to end in RecursionError (500).
- Text: a lone UTF-16 surrogate (`"\\ud800"` in JSON; never valid Unicode, and no
  UTF-8 encoder or database takes it) or U+0000 NUL (PostgreSQL text refuses it)
  anywhere in a string, key or value, is a 400. Bytes that are not valid UTF-8
  already were.

Both checks look at the raw text first, at C speed, and walk the parsed data only when
the text could hold a violation: the depth walk (containers only) runs only when the
body has more `[`/`{` than the limit, and the string walk only when the body contains a
`\\uD8..`-`\\uDF..` or `\\u0000` escape (the only ways JSON can spell those
characters). Nesting deeper than the interpreter allows (about a thousand levels) stops
json.loads itself with RecursionError, which is the same 400. Measured on a 100-event
progress batch (18 KB): json.loads ~100 us, the depth walk ~50-70 us when it runs, the gates
about 15 us; a one-line login body is not slower than DRF's parser.
"""

import json
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

# The escapes that can decode to a surrogate or to NUL.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")
# What no accepted string may contain once decoded.
INVALID_TEXT = re.compile("[\x00\ud800-\udfff]")

INVALID_TEXT_DETAIL = (
    "The request contains text that is not valid Unicode: a NUL character (U+0000) or "
    "a lone UTF-16 surrogate (such as \\ud800)."
)


class InvalidText(ParseError):
    default_code = "invalid_unicode"
    default_detail = INVALID_TEXT_DETAIL


class TooDeep(ParseError):
    def __init__(self, limit: int):
        super().__init__(f"The JSON nests arrays and objects deeper than {limit} levels.", code="too_deep")


def depth_exceeds(data, limit: int) -> bool:
    """Whether parsed JSON nests arrays/objects deeper than `limit` (a top-level
    object or array is depth 1). Visits containers only."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return False


def contains_invalid_text(data) -> bool:
    """Whether any string (dict keys included) in parsed JSON holds NUL or a surrogate."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if INVALID_TEXT.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with the depth limit and the text rule (see the module doc)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - the body is not valid {encoding} text.") from exc
        limit = settings.API_MAX_JSON_DEPTH
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError as exc:
            raise TooDeep(limit) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if text.count("[") + text.count("{") > limit and depth_exceeds(data, limit):
            raise TooDeep(limit)
        if _SUSPECT_ESCAPE.search(text) and contains_invalid_text(data):
            raise InvalidText()
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's MultiPartParser with the text rule on every field name, value and file name."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        texts = [*result.data.keys(), *result.files.keys()]
        texts += [value for _, values in result.data.lists() for value in values if isinstance(value, str)]
        texts += [f.name or "" for _, files in result.files.lists() for f in files]
        if any(INVALID_TEXT.search(text) for text in texts):
            raise InvalidText()
        return result
