"""Checking a curriculum document against tutor/schema/curriculum.schema.json, with
errors a person can act on: the JSON path of the bad node and what is wrong there."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import FORMAT, VERSION

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "curriculum.schema.json"


@dataclass(frozen=True)
class Problem:
    path: str  # JSONPath of the bad node, e.g. $.courses[0].modules[2].lessons[1].id
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CurriculumInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _path(parts) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _message(error) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "Unknown key(s)")
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    return error.message


def curriculum_problems(document) -> list[Problem]:
    """Every problem of `document` (a parsed JSON value), schema first, then the rules a
    schema cannot say (ids unique, version known)."""
    if (
        isinstance(document, dict)
        and document.get("format") == FORMAT
        and document.get("version") not in (None, VERSION)
    ):
        return [
            Problem(
                "$.version",
                f"Version {document.get('version')!r} is not known here (this reader: {VERSION}).",
            )
        ]
    problems = [
        Problem(_path(error.absolute_path), _message(error))
        for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if problems:
        return problems
    seen: dict[tuple[str, int], str] = {}
    for c, course in enumerate(document["courses"]):
        _unique(seen, problems, "course", course["id"], f"$.courses[{c}].id")
        for m, module in enumerate(course["modules"]):
            _unique(seen, problems, "module", module["id"], f"$.courses[{c}].modules[{m}].id")
            for n, lesson in enumerate(module["lessons"]):
                _unique(
                    seen, problems, "lesson", lesson["id"], f"$.courses[{c}].modules[{m}].lessons[{n}].id"
                )
                anchors: set[str] = set()
                for s, section in enumerate(lesson["sections"]):
                    if section["anchor"] in anchors:
                        problems.append(
                            Problem(
                                f"$.courses[{c}].modules[{m}].lessons[{n}].sections[{s}].anchor",
                                f"Anchor {section['anchor']!r} is used twice in this lesson.",
                            )
                        )
                    anchors.add(section["anchor"])
    return problems


def _unique(seen: dict, problems: list, kind: str, value: int, path: str) -> None:
    if (kind, value) in seen:
        problems.append(Problem(path, f"{kind} id {value} is used twice (first at {seen[(kind, value)]})."))
    else:
        seen[(kind, value)] = path


def curriculum_load(path) -> dict:
    """Read and validate a curriculum file; CurriculumInvalid lists every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CurriculumInvalid([Problem("$", f"Cannot read {path}: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise CurriculumInvalid([Problem("$", f"{path} is not UTF-8 text.")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CurriculumInvalid(
            [Problem("$", f"Not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")]
        ) from None
    problems = curriculum_problems(document)
    if problems:
        raise CurriculumInvalid(problems)
    return document
