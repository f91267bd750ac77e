"""A lesson body (the StreamField's blocks, as the course-import format writes them)
split into sections: a new section starts at every heading, a heading block or an
h2/h3/h4 inside rich text. Each section has a stable anchor made from its heading
(`nesting`, `nesting-2` for a second one), `top` for the text before the first
heading (a browser scrolls `#top` to the top of the page)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.utils.text import slugify

HEADING_TAGS = ("h2", "h3", "h4")
LEAD_ANCHOR = "top"


BLOCK_TAGS = (
    "p",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "hr",
)


def _node_text(node) -> str:
    """Plain text of a parsed node: inline elements run on, block elements (paragraphs,
    list items...) end their line."""
    for br in node.find_all("br") if hasattr(node, "find_all") else []:
        br.replace_with("\n")
    for block in node.find_all(BLOCK_TAGS) if hasattr(node, "find_all") else []:
        block.append("\n")
    return node.get_text("") if hasattr(node, "get_text") else str(node)


def html_text(html: str) -> str:
    """Plain text of an HTML fragment, paragraphs and list items on their own lines."""
    if not html:
        return ""
    return _clean(_node_text(BeautifulSoup(html, "html.parser")))


def _clean(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class _SectionBuilder:
    def __init__(self, lesson_title: str):
        self.sections: list[dict] = []
        self._anchors: set[str] = set()
        self._start(lesson_title, "h1", LEAD_ANCHOR)

    def _start(self, title: str, level: str, anchor: str | None = None) -> None:
        base = anchor or slugify(title)[:80] or "section"
        candidate, n = base, 1
        while candidate in self._anchors:
            n += 1
            candidate = f"{base}-{n}"
        self._anchors.add(candidate)
        self.sections.append(
            {"anchor": candidate, "title": title, "level": level, "text": "", "code_examples": []}
        )

    def heading(self, title: str, level: str) -> None:
        title = " ".join((title or "").split())
        if title:
            self._start(title, level)

    def text(self, text: str) -> None:
        text = _clean(text or "")
        if text:
            current = self.sections[-1]
            current["text"] = f"{current['text']}\n{text}" if current["text"] else text

    def code(self, value: dict) -> None:
        code = (value.get("code") or "").strip("\n")
        if code:
            self.sections[-1]["code_examples"].append(
                {
                    "language": value.get("language") or "text",
                    "code": code,
                    "caption": value.get("caption") or "",
                }
            )

    def rich_text(self, html: str) -> None:
        soup = BeautifulSoup(html or "", "html.parser")
        buffer: list[str] = []
        for node in soup.children:
            name = getattr(node, "name", None)
            if name in HEADING_TAGS:
                self.text("\n".join(buffer))
                buffer = []
                self.heading(node.get_text(" "), name)
            elif name is None:
                buffer.append(str(node))
            else:
                buffer.append(_node_text(node))
        self.text("\n".join(buffer))

    def result(self) -> list[dict]:
        # The lead section stays even when empty only if it is the only one.
        sections = [s for s in self.sections if s["text"] or s["code_examples"] or s["anchor"] != LEAD_ANCHOR]
        return sections or self.sections[:1]


def body_sections(*, lesson_title: str, blocks: list[dict]) -> list[dict]:
    """`blocks`: `[{"type": ..., "value": ...}]` (the course-import / API shape)."""
    builder = _SectionBuilder(lesson_title)
    for block in blocks or []:
        kind, value = block.get("type"), block.get("value")
        if kind == "heading" and isinstance(value, dict):
            builder.heading(value.get("text") or "", value.get("level") or "h2")
        elif kind == "rich_text" and isinstance(value, str):
            builder.rich_text(value)
        elif kind == "code" and isinstance(value, dict):
            builder.code(value)
        elif kind == "callout" and isinstance(value, dict):
            title = value.get("title") or ""
            builder.text("\n".join(filter(None, [title, html_text(value.get("text") or "")])))
        elif kind in ("image", "video") and isinstance(value, dict):
            builder.text(
                "\n".join(filter(None, [value.get("title"), value.get("alt"), value.get("caption")]))
            )
        elif kind == "attachment" and isinstance(value, dict):
            builder.text(value.get("title") or "")
    return builder.result()
