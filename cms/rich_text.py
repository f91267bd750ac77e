"""The editor's rich text widget: Wagtail's Draftail, with an empty editor saved as "".

Draftail turns an untouched empty field into an empty paragraph with a fresh random
block key (`<p data-block-key="x1y2z"></p>`) on every save. With
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT, that non-change is an edit: an admin who
approves a quiz whose intro is empty saves a "changed" revision and restarts the review
instead of publishing. Empty stays empty here, so the form sees no change."""

import re

from wagtail.admin.rich_text import DraftailRichTextArea

# Nothing but empty paragraphs, line breaks and white space.
_EMPTY = re.compile(r"(?:\s|<br\s*/?>|<p(?:\s[^>]*)?>(?:\s|<br\s*/?>)*</p>)*")


def is_empty_rich_text(html: str | None) -> bool:
    return not html or _EMPTY.fullmatch(html) is not None


class RichTextArea(DraftailRichTextArea):
    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return "" if value is not None and is_empty_rich_text(value) else value
