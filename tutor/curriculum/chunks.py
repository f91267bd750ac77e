"""The passages the index embeds, cut from a curriculum document.

One chunk per lesson section (a section longer than TUTOR_CHUNK_WORDS words is cut into
windows overlapping by TUTOR_CHUNK_OVERLAP_WORDS, with Haystack's DocumentSplitter),
one per challenge (its title, prompt and the names of its visible tests) and one per
glossary term. Every chunk starts with the lesson and section titles it comes from and
carries the course, module, lesson and section as metadata.

Never embedded: anything under a challenge's `private` key (the reference solution and
the hidden tests), and the hint ladders, which the tutor gives one rung at a time
(docs/tutor.md). This module reads neither."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import slugify


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    text: str
    meta: dict = field(hash=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def _splitter(words: int, overlap: int):
    from haystack.components.preprocessors import DocumentSplitter

    return DocumentSplitter(split_by="word", split_length=words, split_overlap=overlap)


def _windows(text: str, splitter, words: int) -> list[str]:
    if len(text.split()) <= words:
        return [text]
    from haystack import Document

    parts = splitter.run(documents=[Document(content=text)])["documents"]
    return [part.content.strip() for part in parts if part.content and part.content.strip()]


def _section_body(section: dict) -> str:
    parts = [section.get("text") or ""]
    for example in section.get("code_examples") or []:
        caption = example.get("caption") or "Example"
        parts.append(f"{caption} ({example.get('language') or 'code'}):\n{example.get('code') or ''}")
    return "\n".join(p for p in parts if p.strip())


def course_chunks(course: dict, *, words: int | None = None, overlap: int | None = None) -> list[Chunk]:
    words = words or settings.TUTOR_CHUNK_WORDS
    overlap = settings.TUTOR_CHUNK_OVERLAP_WORDS if overlap is None else overlap
    splitter = _splitter(words, min(overlap, words - 1))
    course_id = course["id"]
    out: list[Chunk] = []
    lesson_titles: dict[int, str] = {}

    def base_meta(module: dict, lesson: dict) -> dict:
        return {
            "course_id": course_id,
            "course_title": course.get("title") or "",
            "module_id": module.get("id"),
            "lesson_id": lesson["id"],
            "lesson_title": lesson.get("title") or "",
        }

    for module in course.get("modules") or []:
        for lesson in module.get("lessons") or []:
            lesson_titles[lesson["id"]] = lesson.get("title") or ""
            for section in lesson.get("sections") or []:
                body = _section_body(section)
                if not body.strip():
                    continue
                title = section.get("title") or ""
                header = lesson["title"] if title == lesson["title"] else f"{lesson['title']} — {title}"
                for n, window in enumerate(_windows(body, splitter, words)):
                    out.append(
                        Chunk(
                            chunk_id=f"c{course_id}-l{lesson['id']}-{section['anchor']}-{n}",
                            text=f"{header}\n{window}",
                            meta=base_meta(module, lesson)
                            | {
                                "section_anchor": section["anchor"],
                                "section_title": title,
                                "kind": "section",
                            },
                        )
                    )
            for challenge in lesson.get("challenges") or []:
                anchor = f"challenge-{challenge.get('slug') or challenge.get('id')}"
                visible = [
                    t.get("description") or "" for t in challenge.get("tests") or [] if not t.get("hidden")
                ]
                text = "\n".join(
                    filter(
                        None,
                        [
                            f"{lesson['title']} — challenge: {challenge.get('title') or ''}",
                            challenge.get("prompt") or "",
                            ("Checks: " + "; ".join(visible)) if visible else "",
                        ],
                    )
                )
                out.append(
                    Chunk(
                        chunk_id=f"c{course_id}-l{lesson['id']}-{anchor}",
                        text=text,
                        meta=base_meta(module, lesson)
                        | {
                            "section_anchor": anchor,
                            "section_title": challenge.get("title") or "",
                            "kind": "challenge",
                            "challenge_id": challenge.get("id"),
                        },
                    )
                )
    for n, entry in enumerate(course.get("glossary") or []):
        lesson_id = entry.get("lesson_id")
        anchor = f"glossary-{slugify(entry.get('term') or '')[:60] or n}"
        out.append(
            Chunk(
                chunk_id=f"c{course_id}-g{n}-{anchor}",
                text=f"{entry.get('term')}: {entry.get('definition')}",
                meta={
                    "course_id": course_id,
                    "course_title": course.get("title") or "",
                    "module_id": None,
                    "lesson_id": lesson_id,
                    "lesson_title": lesson_titles.get(lesson_id, "") if lesson_id else "",
                    "section_anchor": anchor,
                    "section_title": entry.get("term") or "",
                    "kind": "glossary",
                },
            )
        )
    return out


def curriculum_chunks(document: dict, **kwargs) -> list[Chunk]:
    return [chunk for course in document.get("courses") or [] for chunk in course_chunks(course, **kwargs)]
