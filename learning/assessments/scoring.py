"""Scoring one answer against one question version's `content`: pure functions, no
database, so the rules are easy to read and to test (docs/assessments.md, "Scoring").

`grade(content, answer, negative_marking=...)` returns a Grade: the fraction of the
question's points earned (in -1..1; below 0 only with negative marking), the option
keys the answer picked (for distractor analysis) and the option keys whose feedback
applies. Code questions are graded from the sandbox's test verdicts
(`grade_code_verdicts`), which the attempt service obtains from the coding app.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

CHOICE_TYPES = ("single", "multiple", "true_false")


@dataclass(frozen=True)
class Grade:
    fraction: float
    chosen: list[str] = field(default_factory=list)
    feedback_keys: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


class AnswerShapeError(ValueError):
    """The answer's JSON does not fit the question type (the API answers 400)."""


def option_credit(option: dict) -> float:
    """An option's credit when chosen: its weight, or 1 for a correct option of weight 0."""
    weight = float(option.get("weight") or 0)
    if weight == 0 and option.get("correct"):
        return 1.0
    return weight


def _multiple_weight(option: dict, correct_count: int) -> float:
    """Multiple choice by weights: an option's weight, or an equal share of 1 for a
    correct option without one."""
    weight = float(option.get("weight") or 0)
    if weight == 0 and option.get("correct"):
        return 1.0 / max(1, correct_count)
    return weight


def _clamp(value: float, negative_marking: bool) -> float:
    return max(-1.0 if negative_marking else 0.0, min(1.0, value))


def _wrong_penalty(options: list[dict]) -> float:
    """Negative marking of a wrong pick among k options: 1/(k-1), so that guessing
    at random earns 0 on average."""
    return 1.0 / max(1, len(options) - 1)


def answer_check(content: dict, answer) -> None:
    """Raise AnswerShapeError unless `answer` (not None) fits the question's type."""
    kind = content["type"]
    keys = {o["key"] for o in content.get("options", [])}
    if kind in ("single", "true_false"):
        if not isinstance(answer, str) or answer not in keys:
            raise AnswerShapeError("Give the key of one of the question's options.")
    elif kind in ("multiple", "ordering"):
        if not isinstance(answer, list) or not all(isinstance(k, str) and k in keys for k in answer):
            raise AnswerShapeError("Give a list of the question's option keys.")
        if len(set(answer)) != len(answer):
            raise AnswerShapeError("An option key appears twice.")
        if kind == "ordering" and set(answer) != keys:
            raise AnswerShapeError("Give every item's key once, in your order.")
    elif kind == "numeric":
        if isinstance(answer, bool) or not isinstance(answer, int | float | str):
            raise AnswerShapeError("Give a number.")
        if _number(answer) is None:
            raise AnswerShapeError("Give a number.")
    elif kind in ("short_text", "code") and not isinstance(answer, str):
        raise AnswerShapeError("Give a text.")


def _number(value) -> float | None:
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _normalize(text: str, *, case_sensitive: bool, normalize_whitespace: bool) -> str:
    if normalize_whitespace:
        text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def _pattern(accepted: str) -> re.Pattern:
    """Moodle's short-answer wildcard: `*` matches any run of characters."""
    return re.compile("^" + ".*".join(re.escape(part) for part in accepted.split("*")) + "$", re.DOTALL)


def grade(content: dict, answer, *, negative_marking: bool = False) -> Grade:
    """The grade of one saved answer (None: unanswered, 0)."""
    if answer is None:
        return Grade(0.0)
    kind = content["type"]
    options = content.get("options", [])
    by_key = {o["key"]: o for o in options}
    settings = content.get("settings", {})

    if kind in ("single", "true_false"):
        option = by_key.get(answer)
        if option is None:
            return Grade(0.0)
        credit = option_credit(option)
        if credit <= 0 and negative_marking:
            credit = credit if credit < 0 else -_wrong_penalty(options)
        return Grade(_clamp(credit, negative_marking), [answer], [answer])

    if kind == "multiple":
        chosen = [k for k in answer if k in by_key]
        if not chosen:
            return Grade(0.0)
        correct = {o["key"] for o in options if o.get("correct")}
        rule = settings.get("multiple_scoring", "right_minus_wrong")
        if rule == "all_or_nothing":
            wrong = -_wrong_penalty(options) if negative_marking else 0.0
            value = 1.0 if set(chosen) == correct else wrong
        elif rule == "weights":
            value = sum(_multiple_weight(by_key[k], len(correct)) for k in chosen)
        else:  # right_minus_wrong
            right = sum(1 for k in chosen if k in correct)
            wrong = len(chosen) - right
            value = (right - wrong) / max(1, len(correct))
        return Grade(_clamp(value, negative_marking), chosen, chosen)

    if kind == "numeric":
        number = _number(answer)
        if number is None:
            return Grade(0.0)
        best, best_key = 0.0, None
        for option in options:
            target = _number(option.get("text"))
            if target is None:
                continue
            tolerance = float(option.get("tolerance") or 0)
            if abs(number - target) <= tolerance + 1e-12 * max(1.0, abs(target)):
                credit = option_credit(option)
                if best_key is None or credit > best:
                    best, best_key = credit, option["key"]
        keys = [best_key] if best_key else []
        return Grade(_clamp(best, negative_marking), keys, keys)

    if kind == "short_text":
        given = _normalize(
            str(answer),
            case_sensitive=settings.get("case_sensitive", False),
            normalize_whitespace=settings.get("normalize_whitespace", True),
        )
        best, best_key = 0.0, None
        for option in options:
            accepted = _normalize(
                option.get("text", ""),
                case_sensitive=settings.get("case_sensitive", False),
                normalize_whitespace=settings.get("normalize_whitespace", True),
            )
            if _pattern(accepted).match(given):
                credit = option_credit(option)
                if best_key is None or credit > best:
                    best, best_key = credit, option["key"]
        keys = [best_key] if best_key else []
        return Grade(_clamp(best, negative_marking), keys, keys)

    if kind == "ordering":
        order = [o["key"] for o in options]  # the authored order is the correct one
        if not order or not isinstance(answer, list):
            return Grade(0.0)
        in_place = sum(1 for i, key in enumerate(answer[: len(order)]) if key == order[i])
        return Grade(in_place / len(order), [], [], {"in_place": in_place, "items": len(order)})

    return Grade(0.0)  # code: graded from the sandbox's verdicts


def grade_code_verdicts(content: dict, verdicts: list[dict], *, status: str) -> Grade:
    """A code question's grade: the share of its test cases that passed."""
    tests = content.get("code_tests", [])
    passed_ids = {str(v.get("id")) for v in verdicts if isinstance(v, dict) and v.get("passed")}
    passed = sum(1 for t in tests if str(t["id"]) in passed_ids)
    fraction = passed / len(tests) if tests else 0.0
    return Grade(fraction, [], [], {"tests_passed": passed, "tests": len(tests), "run_status": status})


def correct_answer(content: dict):
    """What a right answer is, for feedback once the rules allow it."""
    kind = content["type"]
    options = content.get("options", [])
    if kind in ("single", "true_false", "multiple"):
        return [o["key"] for o in options if o.get("correct") or option_credit(o) >= 1]
    if kind == "ordering":
        return [o["key"] for o in options]
    if kind in ("numeric", "short_text"):
        return [o["text"] for o in options if option_credit(o) >= 1]
    return None
