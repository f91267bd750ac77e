"""The scoring rules, per question type (pure functions, no database): partial credit,
negative marking, tolerances, short-answer normalisation and wildcards."""

import pytest

from learning.assessments.scoring import AnswerShapeError, answer_check, grade, grade_code_verdicts


def options(*specs):
    return [
        {"key": k, "text": t, "correct": c, "weight": w, "tolerance": tol, "feedback": ""}
        for k, t, c, w, tol in specs
    ]


MULTI = options(
    ("a", "A", True, 0, None),
    ("b", "B", True, 0, None),
    ("c", "C", False, 0, None),
    ("d", "D", False, 0, None),
)


@pytest.mark.parametrize(
    ("rule", "answer", "negative", "expected"),
    [
        ("all_or_nothing", ["a", "b"], False, 1.0),
        ("all_or_nothing", ["a"], False, 0.0),
        ("all_or_nothing", ["a", "c"], True, -1 / 3),
        ("right_minus_wrong", ["a"], False, 0.5),
        ("right_minus_wrong", ["a", "c"], False, 0.0),
        ("right_minus_wrong", ["c", "d"], False, 0.0),
        ("right_minus_wrong", ["c", "d"], True, -1.0),
        ("right_minus_wrong", ["a", "b", "c", "d"], False, 0.0),
        ("weights", ["a"], False, 0.5),
        ("weights", ["a", "b"], False, 1.0),
    ],
)
def test_multiple_choice_rules(rule, answer, negative, expected):
    content = {"type": "multiple", "options": MULTI, "settings": {"multiple_scoring": rule}}
    assert grade(content, answer, negative_marking=negative).fraction == pytest.approx(expected)


def test_multiple_choice_weights_as_moodle():
    weighted = options(
        ("a", "A", True, 0.5, None), ("b", "B", True, 0.5, None), ("c", "C", False, -0.5, None)
    )
    content = {"type": "multiple", "options": weighted, "settings": {"multiple_scoring": "weights"}}
    assert grade(content, ["a", "c"]).fraction == 0.0
    assert grade(content, ["a", "c"], negative_marking=True).fraction == 0.0
    assert grade(content, ["c"], negative_marking=True).fraction == -0.5
    assert grade(content, ["c"]).fraction == 0.0
    assert grade(content, ["a", "b"]).chosen == ["a", "b"]


def test_single_choice_partial_weight_and_negative_marking():
    content = {
        "type": "single",
        "options": options(
            ("a", "A", True, 0, None), ("b", "B", False, 0.5, None), ("c", "C", False, 0, None)
        ),
    }
    assert grade(content, "a").fraction == 1.0
    assert grade(content, "b").fraction == 0.5
    assert grade(content, "c").fraction == 0.0
    assert grade(content, "c", negative_marking=True).fraction == -0.5
    assert grade(content, None, negative_marking=True).fraction == 0.0


def test_numeric_tolerance_and_partial_values():
    content = {
        "type": "numeric",
        "options": options(("a", "3.14", True, 0, 0.01), ("b", "3", False, 0.5, 0)),
    }
    assert grade(content, 3.145).fraction == 1.0
    assert grade(content, "3,14").fraction == 1.0
    assert grade(content, 3).fraction == 0.5
    assert grade(content, 3.2).fraction == 0.0


@pytest.mark.parametrize(
    ("rules", "answer", "expected"),
    [
        ({}, "  Hyper   Text ", 1.0),
        ({"case_sensitive": True}, "hyper text", 0.0),
        ({"normalize_whitespace": False}, "hyper  text", 0.0),
        ({}, "markup language", 1.0),  # matches "mark*language"
        ({}, "marklanguage", 1.0),
        ({}, "language", 0.0),
    ],
)
def test_short_text(rules, answer, expected):
    content = {
        "type": "short_text",
        "settings": rules,
        "options": options(("a", "Hyper Text", True, 0, None), ("b", "mark*language", True, 0, None)),
    }
    assert grade(content, answer).fraction == expected


def test_ordering_credits_items_in_place():
    content = {"type": "ordering", "options": options(*[(k, k, False, 0, None) for k in "abcd"])}
    assert grade(content, list("abcd")).fraction == 1.0
    assert grade(content, list("abdc")).fraction == 0.5
    assert grade(content, list("dcba")).fraction == 0.0


def test_code_verdicts():
    content = {"type": "code", "code_tests": [{"id": 1}, {"id": 2}, {"id": 3}]}
    result = grade_code_verdicts(
        content, [{"id": "1", "passed": True}, {"id": 3, "passed": True}], status="ok"
    )
    assert result.fraction == pytest.approx(2 / 3) and result.detail["tests_passed"] == 2


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", ["a"]),
        ("multiple", "a"),
        ("multiple", ["a", "a"]),
        ("ordering", ["a", "b"]),
        ("numeric", True),
        ("numeric", "nan"),
        ("short_text", 12),
    ],
)
def test_answer_shapes(kind, answer):
    content = {
        "type": kind,
        "options": options(("a", "1", True, 0, None), ("b", "2", False, 0, None), ("c", "3", False, 0, None)),
    }
    with pytest.raises(AnswerShapeError):
        answer_check(content, answer)
