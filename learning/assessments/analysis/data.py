"""From the database to the statistics: the score matrix (attempts x questions) and the
chosen options of a quiz's submitted attempts, in two queries whatever their number
(one for the responses, one for the questions' versions), then `statistics` on it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from . import statistics
from .models import AttemptsBasis

CHOICE_TYPES = ("single", "multiple", "true_false")


class TooManyResponses(Exception):
    pass


@dataclass(frozen=True)
class QuestionColumn:
    question_id: int
    position: int
    max_points: float


@dataclass(frozen=True)
class ScoreData:
    attempt_ids: tuple[int, ...]
    columns: tuple[QuestionColumn, ...]
    fractions: np.ndarray  # attempts x questions, NaN where not asked
    chosen: dict[int, dict[int, list[str]]]  # question id -> row -> chosen option keys


def _basis_rows(rows, basis: str):
    """Keep the responses of the attempts the basis picks (rows carry user and attempt
    number): each learner's first or last submitted attempt, or all."""
    if basis == AttemptsBasis.ALL:
        return rows
    pick: dict[int, tuple[int, int]] = {}
    for row in rows:
        user_id, number, attempt_id = row[1], row[2], row[0]
        best = pick.get(user_id)
        if (
            best is None
            or (basis == AttemptsBasis.FIRST and number < best[0])
            or (basis == AttemptsBasis.LAST and number > best[0])
        ):
            pick[user_id] = (number, attempt_id)
    keep = {attempt_id for _, attempt_id in pick.values()}
    return [row for row in rows if row[0] in keep]


def score_data(*, quiz_id: int, basis: str) -> ScoreData:
    from learning.assessments.models import Attempt, Response

    rows = list(
        Response.objects.filter(attempt__quiz_id=quiz_id, attempt__state=Attempt.State.SUBMITTED)
        .order_by()
        .values_list(
            "attempt_id",
            "attempt__user_id",
            "attempt__number",
            "question_id",
            "position",
            "score_fraction",
            "max_points",
            "chosen_options",
            "version__question_type",
        )
    )
    rows = _basis_rows(rows, basis)
    attempt_index: dict[int, int] = {}
    first_position: dict[int, int] = {}
    points: dict[int, float] = {}
    for attempt_id, _, _, question_id, position, _, max_points, _, _ in rows:
        attempt_index.setdefault(attempt_id, len(attempt_index))
        if question_id not in first_position or position < first_position[question_id]:
            first_position[question_id] = position
        points[question_id] = max(points.get(question_id, 0.0), float(max_points or 0.0))
    order = sorted(first_position, key=lambda q: (first_position[q], q))
    column_index = {q: k for k, q in enumerate(order)}
    fractions = np.full((len(attempt_index), len(order)), np.nan)
    chosen: dict[int, dict[int, list[str]]] = {}
    if rows:
        r = np.fromiter((attempt_index[row[0]] for row in rows), dtype=np.int64, count=len(rows))
        c = np.fromiter((column_index[row[3]] for row in rows), dtype=np.int64, count=len(rows))
        # A response's marks are its fraction of its own points; the column's scale is
        # the question's largest points (versions may differ), so convert.
        v = np.fromiter(
            ((row[5] or 0.0) * (row[6] or 0.0) / points[row[3]] if points[row[3]] else 0.0 for row in rows),
            dtype=float,
            count=len(rows),
        )
        fractions[r, c] = v
        for row, attempt_row in zip(rows, r, strict=True):
            if row[8] in CHOICE_TYPES:
                chosen.setdefault(row[3], {})[int(attempt_row)] = row[7] or []
    columns = tuple(
        QuestionColumn(question_id=q, position=first_position[q], max_points=points[q] or 1.0) for q in order
    )
    return ScoreData(tuple(attempt_index), columns, fractions, chosen)


def _option_labels(question_ids) -> dict[int, dict]:
    """Per question: its title, type and options (key -> text, correct) across all its
    versions (keys are stable across versions; the newest text wins)."""
    from learning.assessments.models import Question, QuestionVersion

    out = {
        q["pk"]: {"title": q["title"], "question_type": q["question_type"], "options": {}}
        for q in Question.objects.filter(pk__in=question_ids).values("pk", "title", "question_type")
    }
    for version in (
        QuestionVersion.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "number")
        .values("question_id", "content")
    ):
        options = out[version["question_id"]]["options"]
        for option in (version["content"] or {}).get("options", []):
            options[option["key"]] = {"text": option.get("text", ""), "correct": bool(option.get("correct"))}
    return out


def report_build(*, quiz_id: int, basis: str, group_share: float = statistics.GROUP_SHARE) -> dict:
    """The whole report as JSON-ready data (what ItemAnalysisReport.result stores)."""
    from django.conf import settings

    from learning.assessments.models import Attempt, Response

    limit = settings.ITEM_ANALYSIS_MAX_RESPONSES
    count = Response.objects.filter(attempt__quiz_id=quiz_id, attempt__state=Attempt.State.SUBMITTED).count()
    if count > limit:
        raise TooManyResponses(
            f"The quiz has {count} responses; one analysis loads at most {limit} "
            "(ITEM_ANALYSIS_MAX_RESPONSES)."
        )
    data = score_data(quiz_id=quiz_id, basis=basis)
    points = np.array([c.max_points for c in data.columns])
    analysis = statistics.item_analysis(data.fractions, points)
    totals = np.nan_to_num(data.fractions * points).sum(axis=1)
    labels = _option_labels([c.question_id for c in data.columns])
    questions = []
    for column, stats in zip(data.columns, analysis.questions, strict=True):
        label = labels.get(column.question_id, {"title": "", "question_type": "", "options": {}})
        entry = {
            "question_id": column.question_id,
            "title": label["title"],
            "question_type": label["question_type"],
            "position": column.position,
            "max_points": column.max_points,
            "attempt_count": stats.attempts,
            "facility_index": stats.facility_index,
            "standard_deviation": stats.standard_deviation,
            "discrimination_index": stats.discrimination_index,
            "discriminative_efficiency": stats.discriminative_efficiency,
            "intended_weight": stats.intended_weight,
            "effective_weight": stats.effective_weight,
            "distractors": None,
        }
        picks = data.chosen.get(column.question_id)
        if picks is not None:
            keys = list(label["options"])
            for chosen_keys in picks.values():
                keys.extend(key for key in chosen_keys if key not in label["options"] and key not in keys)
            rows = np.array(sorted(picks), dtype=np.int64)
            position = {key: i for i, key in enumerate(keys)}
            matrix = np.zeros((len(rows), len(keys)), dtype=bool)
            for i, row in enumerate(rows):
                for key in picks[int(row)]:
                    matrix[i, position[key]] = True
            result = statistics.distractor_analysis(matrix, totals[rows], group_share)
            entry["distractors"] = {
                "group_size": result.group_size,
                "options": [
                    {
                        "key": key,
                        "text": label["options"].get(key, {}).get("text", ""),
                        "correct": label["options"].get(key, {}).get("correct", False),
                        "chosen_count": count.chosen,
                        "top_group_count": count.top,
                        "bottom_group_count": count.bottom,
                    }
                    for key, count in zip(keys, result.options, strict=True)
                ],
            }
        questions.append(entry)
    quiz = analysis.quiz
    return {
        "basis": basis,
        "computed_at": timezone.now().isoformat(),
        "attempt_count": quiz.attempts,
        "question_count": quiz.questions,
        "quiz": {
            "max_total": quiz.max_total,
            "mean": quiz.mean,
            "median": quiz.median,
            "standard_deviation": quiz.standard_deviation,
            "skewness": quiz.skewness,
            "kurtosis": quiz.kurtosis,
            "coefficient_of_internal_consistency": quiz.coefficient_of_internal_consistency,
            "error_ratio": quiz.error_ratio,
            "standard_error": quiz.standard_error,
        },
        "questions": questions,
    }
