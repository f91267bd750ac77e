"""From the database to the statistics: the score matrix (attempts x questions) and the
chosen options of a quiz's submitted attempts, in a constant number of queries whatever
their number (statements.py reads the responses as plain tuples), then `statistics`."""

from __future__ import annotations

import json
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
    # question id -> chosen options (JSON text) -> the rows (attempts) that chose them
    chosen: dict[int, dict[str, np.ndarray]]


def _basis_attempts(attempts, basis: str) -> set[int]:
    """The attempt ids the basis picks: each learner's first or last submitted attempt,
    or all of them."""
    if basis == AttemptsBasis.ALL:
        return {attempt_id for attempt_id, _, _ in attempts}
    pick: dict[int, tuple[int, int]] = {}
    for attempt_id, user_id, number in attempts:
        best = pick.get(user_id)
        if (
            best is None
            or (basis == AttemptsBasis.FIRST and number < best[0])
            or (basis == AttemptsBasis.LAST and number > best[0])
        ):
            pick[user_id] = (number, attempt_id)
    return {attempt_id for _, attempt_id in pick.values()}


def score_data(*, quiz_id: int, basis: str) -> ScoreData:
    """Three queries: the submitted attempts, their responses (statements.py), the
    question types of the versions asked. Then numpy over the columns of the rows: no
    Python work per response but the grouping of the chosen options' texts."""
    from learning.assessments.models import QuestionVersion

    from . import statements

    keep = _basis_attempts(statements.submitted_attempts(quiz_id), basis)
    rows = statements.submitted_responses(quiz_id)
    if not rows:
        return ScoreData((), (), np.zeros((0, 0)), {})
    attempt_id, question_id, version_id, position, fraction, max_points, texts = zip(*rows, strict=True)
    attempt_id = np.array(attempt_id, dtype=np.int64)
    mask = np.isin(attempt_id, np.fromiter(keep, dtype=np.int64, count=len(keep)))
    attempt_id = attempt_id[mask]
    question_id = np.array(question_id, dtype=np.int64)[mask]
    version_id = np.array(version_id, dtype=np.int64)[mask]
    position = np.array(position, dtype=np.int64)[mask]
    fraction = np.nan_to_num(np.array(fraction, dtype=float)[mask])  # None (never graded): 0
    max_points = np.nan_to_num(np.array(max_points, dtype=float)[mask])
    if not len(attempt_id):
        return ScoreData((), (), np.zeros((0, 0)), {})
    attempts, r = np.unique(attempt_id, return_inverse=True)
    questions, q = np.unique(question_id, return_inverse=True)
    first = np.full(len(questions), np.iinfo(np.int64).max)
    np.minimum.at(first, q, position)
    points = np.zeros(len(questions))
    np.maximum.at(points, q, max_points)
    order = np.lexsort((questions, first))  # by first position, then id
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    c = rank[q]
    matrix = np.full((len(attempts), len(questions)), np.nan)
    # A response's marks are its fraction of its own points; the column's scale is the
    # question's largest points (versions may differ), so convert.
    scale = np.where(points[q] > 0, max_points / np.where(points[q] > 0, points[q], 1.0), 0.0)
    matrix[r, c] = fraction * scale

    choice_versions = set(
        QuestionVersion.objects.filter(
            pk__in=np.unique(version_id).tolist(), question_type__in=CHOICE_TYPES
        ).values_list("pk", flat=True)
    )
    chosen: dict[int, dict[str, np.ndarray]] = {}
    if choice_versions:
        is_choice = np.isin(version_id, np.array(sorted(choice_versions), dtype=np.int64))
        picked = np.flatnonzero(is_choice)
        kept_texts = [texts[k] for k in np.flatnonzero(mask)[picked].tolist()]
        codes: dict[str, int] = {}
        code = np.fromiter(
            (codes.setdefault(t or "[]", len(codes)) for t in kept_texts),
            dtype=np.int64,
            count=len(kept_texts),
        )
        names = list(codes)
        group = c[picked] * len(names) + code
        sort = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[sort])) + 1
        for chunk in np.split(sort, bounds):
            if not len(chunk):
                continue
            column = int(c[picked][chunk[0]])
            text = names[int(code[chunk[0]])]
            chosen.setdefault(int(questions[order[column]]), {})[text] = r[picked][chunk]
    columns = tuple(
        QuestionColumn(
            question_id=int(questions[k]), position=int(first[k]), max_points=float(points[k]) or 1.0
        )
        for k in order
    )
    return ScoreData(tuple(attempts.tolist()), columns, matrix, chosen)


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
            parsed = {text: json.loads(text) for text in picks}
            keys = list(label["options"])
            for chosen_keys in parsed.values():
                keys.extend(key for key in chosen_keys if key not in label["options"] and key not in keys)
            position = {key: i for i, key in enumerate(keys)}
            rows = np.sort(np.concatenate(list(picks.values())))
            matrix = np.zeros((len(rows), len(keys)), dtype=bool)
            for text, group_rows in picks.items():
                cols = [position[key] for key in parsed[text] if key in position]
                if cols:
                    matrix[np.ix_(np.searchsorted(rows, group_rows), cols)] = True
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
