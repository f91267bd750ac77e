"""Cleaning of rich text and StreamField input from the API (before any write)."""

from __future__ import annotations

import json
import uuid

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Page

# --- rich text and StreamField input ---------------------------------------------------

BODY_RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "code", "ol", "ul", "blockquote", "hr"]
CALLOUT_RICH_TEXT_FEATURES = ["bold", "italic", "link", "code", "ol", "ul"]
PREREQUISITES_FEATURES = ["bold", "italic", "link", "ul", "ol"]


def rich_text_clean(html: str, features: list[str], *, attr: str = "html") -> str:
    """Run HTML through the editor's own converter (HTML → Draftail content state → HTML),
    so API input obeys the same allow-list as the editor: no scripts, no event
    handlers, no javascript: links, only the enabled features.

    The converter expects the well-formed HTML the editor writes (it asserts on
    `<p><br></p>` and breaks on unclosed tags), so the input is first re-serialised
    by an HTML parser that closes what is open; what it still cannot read is a 400."""
    if not html:
        return ""
    well_formed = str(BeautifulSoup(html, "html.parser"))
    converter = ContentstateConverter(features)
    try:
        return converter.to_database_format(converter.from_database_format(well_formed))
    except (AssertionError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ValidationError(
            {attr: [ValidationError("This rich text could not be read as HTML.", code="invalid_html")]}
        ) from exc


def _flatten_block_errors(data: dict, prefix: str, into: dict[str, list[str]]) -> None:
    for message in data.get("messages", []):
        into.setdefault(prefix, []).append(str(message))
    for key, child in (data.get("blockErrors") or {}).items():
        if isinstance(child, list):  # ListBlock errors: a list indexed by position
            for index, item in enumerate(child):
                if item:
                    _flatten_block_errors(item, f"{prefix}.{key}.{index}", into)
        else:
            _flatten_block_errors(child, f"{prefix}.{key}", into)


def _block_error_dict(exc: ValidationError, attr: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "as_json_data"):
        _flatten_block_errors(exc.as_json_data(), attr, errors)
    if not errors:
        errors[attr] = [str(message) for message in exc.messages] or ["Invalid value."]
    return errors


def _sanitize_block_input(block_type: str, value, *, attr: str):
    if block_type == "rich_text" and isinstance(value, str):
        return rich_text_clean(value, BODY_RICH_TEXT_FEATURES, attr=attr)
    if block_type == "callout" and isinstance(value, dict) and isinstance(value.get("text"), str):
        return {
            **value,
            "text": rich_text_clean(value["text"], CALLOUT_RICH_TEXT_FEATURES, attr=f"{attr}.text"),
        }
    return value


def stream_input_clean(*, model: type[Page], field_name: str, raw, attr: str | None = None):
    """Validate a `[{"type": ..., "value": ...}]` list for a StreamField of `model` and
    return the cleaned StreamValue. Unknown block types, malformed values, missing
    images/documents and block rules (e.g. video hosts) are all ValidationErrors
    keyed by position, e.g. `body.3.value.url`."""
    attr = attr or field_name
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ValidationError({attr: ['Expected a list of blocks, each {"type": ..., "value": ...}.']})
    stream_block = model._meta.get_field(field_name).stream_block
    allowed = list(stream_block.child_blocks)
    errors: dict[str, list[str]] = {}
    items = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "type" not in item:
            errors[f"{attr}.{index}"] = ['Each block is an object {"type": ..., "value": ...}.']
            continue
        if item["type"] not in stream_block.child_blocks:
            errors[f"{attr}.{index}.type"] = [
                f"Unknown block type {item['type']!r}; allowed: {', '.join(allowed)}."
            ]
            continue
        items.append(
            {
                "type": item["type"],
                "value": _sanitize_block_input(item["type"], item.get("value"), attr=f"{attr}.{index}.value"),
                "id": str(item.get("id") or uuid.uuid4()),
            }
        )
    if errors:
        raise ValidationError(errors)
    max_blocks = settings.CONTENT_STREAM_MAX_BLOCKS
    if len(items) > max_blocks:
        raise ValidationError({attr: [f"At most {max_blocks} blocks are allowed; got {len(items)}."]})
    size = len(json.dumps(items))
    if size > settings.CONTENT_STREAM_MAX_BYTES:
        raise ValidationError(
            {attr: [f"The content is {size} bytes; the limit is {settings.CONTENT_STREAM_MAX_BYTES} bytes."]}
        )
    try:
        value = stream_block.to_python(items)
        return stream_block.clean(value)
    except ValidationError as exc:
        raise ValidationError(_block_error_dict(exc, attr)) from exc
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        # A value of the wrong shape (a string where an object is expected, an id that
        # is not a number, or too big for the database: OverflowError on SQLite...).
        # Find the first culprit for a precise message.
        for index, item in enumerate(items):
            try:
                stream_block.child_blocks[item["type"]].to_python(item["value"])
            except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
                raise ValidationError(
                    {f"{attr}.{index}.value": [f"Malformed value for a {item['type']!r} block."]}
                ) from exc
        raise ValidationError({attr: ["Malformed block value."]}) from exc
