"""Item analysis numbers (analysis/statistics.py) against a data set worked out by hand
and against an independent computation (the standard library's `statistics` and plain
loops) on generated data."""

import math
import statistics as stdlib
import time

import numpy as np
import pytest

from learning.assessments.analysis.statistics import distractor_analysis, group_masks, item_analysis

# Five attempts, three one-point questions A, B, C; totals 3, 2, 2, 1, 0.
HAND = [
    [1, 1, 1],
    [1, 1, 0],
    [1, 0, 1],
    [0, 1, 0],
    [0, 0, 0],
]


def test_hand_computed_example():
    result = item_analysis(HAND)
    a, b, c = result.questions
    # Facility: mean mark / max mark.
    assert a.facility_index == pytest.approx(60.0)
    assert b.facility_index == pytest.approx(60.0)
    assert c.facility_index == pytest.approx(40.0)
    # Each item's squared deviations add up to 1.2, over n - 1 = 4: variance 0.3.
    for item in (a, b, c):
        assert item.standard_deviation == pytest.approx(100 * math.sqrt(0.3))
        assert item.attempts == 5
    # A against the rest of the test (2, 1, 1, 1, 0): covariance 1.0 / 4 = 0.25, the
    # rest's variance 2 / 4 = 0.5: r = 0.25 / sqrt(0.3 * 0.5).
    assert a.discrimination_index == pytest.approx(100 * 0.25 / math.sqrt(0.15))
    assert a.discrimination_index == pytest.approx(64.5497, abs=1e-4)
    # Sorted, A (0,0,1,1,1) and its rest (0,1,1,1,2) have the same covariance: DE 100%.
    assert a.discriminative_efficiency == pytest.approx(100.0)
    # B's rest (2, 1, 2, 0, 0) does not co-vary with B at all.
    assert b.discrimination_index == pytest.approx(0.0, abs=1e-9)
    assert b.discriminative_efficiency == pytest.approx(0.0, abs=1e-9)
    # C: covariance 0.6 / 4 = 0.15 with its rest (2, 2, 1, 1, 0, variance 0.7);
    # sorted covariance 1.6 / 4 = 0.4.
    assert c.discrimination_index == pytest.approx(100 * 0.15 / math.sqrt(0.3 * 0.7))
    assert c.discrimination_index == pytest.approx(32.7327, abs=1e-4)
    assert c.discriminative_efficiency == pytest.approx(37.5)
    # Weights: equal points; effective weight from the covariances with the total
    # (0.55, 0.3, 0.45: they add up to the total's variance 1.3).
    roots = [math.sqrt(0.55), math.sqrt(0.3), math.sqrt(0.45)]
    for item, root in zip((a, b, c), roots, strict=True):
        assert item.intended_weight == pytest.approx(100 / 3)
        assert item.effective_weight == pytest.approx(100 * root / sum(roots))

    quiz = result.quiz
    assert (quiz.attempts, quiz.questions, quiz.max_total) == (5, 3, 3.0)
    assert quiz.mean == pytest.approx(100 * 1.6 / 3)
    assert quiz.median == pytest.approx(100 * 2 / 3)
    # Totals' squared deviations: 5.2; variance 1.3.
    assert quiz.standard_deviation == pytest.approx(100 * math.sqrt(1.3) / 3)
    # Cronbach's alpha: 3/2 * (1 - (0.3 + 0.3 + 0.3) / 1.3) = 0.461538...
    assert quiz.coefficient_of_internal_consistency == pytest.approx(100 * 1.5 * (1 - 0.9 / 1.3))
    assert quiz.coefficient_of_internal_consistency == pytest.approx(46.1538, abs=1e-4)
    assert quiz.error_ratio == pytest.approx(100 * math.sqrt(1 - 1.5 * (1 - 0.9 / 1.3)))
    assert quiz.standard_error == pytest.approx(quiz.error_ratio * quiz.standard_deviation / 100)
    # m2 = 1.04, m3 = -0.288, m4 = 2.1152: k3 = -0.6, k4 = -0.3, k2 = 1.3.
    assert quiz.skewness == pytest.approx(-0.6 / 1.3**1.5)
    assert quiz.kurtosis == pytest.approx(-0.3 / 1.69)


def test_too_few_attempts_leave_statistics_empty():
    one = item_analysis([[1, 0]])
    assert one.quiz.mean == pytest.approx(50.0)
    assert one.quiz.standard_deviation is None
    assert one.quiz.coefficient_of_internal_consistency is None
    assert one.questions[0].facility_index == pytest.approx(100.0)
    assert one.questions[0].standard_deviation is None
    assert one.questions[0].discrimination_index is None
    # Everyone got the same marks: no variance, so no correlation and no alpha.
    same = item_analysis([[1, 0], [1, 0], [1, 0], [1, 0]])
    assert same.questions[0].discrimination_index is None
    assert same.questions[0].discriminative_efficiency is None
    assert same.quiz.skewness is None
    assert same.quiz.coefficient_of_internal_consistency is None
    empty = item_analysis(np.zeros((0, 3)))
    assert empty.quiz.mean is None
    assert [q.attempts for q in empty.questions] == [0, 0, 0]


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        item_analysis([1, 0, 1])
    with pytest.raises(ValueError):
        item_analysis([[1, 0]], max_marks=[1])
    with pytest.raises(ValueError):
        item_analysis([[1, 0]], max_marks=[1, 0])


def _generated(attempts: int, questions: int, seed: int):
    """Scores from a simple ability/difficulty model with partial credit, some negative
    marking, unequal points and a few questions not asked in some attempts."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(attempts, 1))
    difficulty = rng.normal(size=questions)
    p = 1 / (1 + np.exp(-(1.3 * ability - difficulty)))
    scores = np.round(np.clip(p + rng.normal(scale=0.25, size=p.shape), -0.25, 1) * 4) / 4
    points = rng.integers(1, 4, size=questions).astype(float)
    return scores, points


def _independent(scores, points):
    """The same statistics, written from the definitions with the standard library."""
    rows = [[float(v) for v in row] for row in scores]
    marks = [[f * pt for f, pt in zip(row, points, strict=True) if not math.isnan(f)] for row in rows]
    totals = [sum(row) for row in marks]
    out = []
    for p, pt in enumerate(points):
        x, rest = [], []
        for row, total in zip(rows, totals, strict=True):
            if not math.isnan(row[p]):
                x.append(row[p] * pt)
                rest.append(total - row[p] * pt)
        cov = stdlib.covariance(x, rest)
        cov_max = stdlib.covariance(sorted(x), sorted(rest))
        out.append(
            {
                "facility": 100 * stdlib.fmean(x) / pt,
                "sd": 100 * stdlib.stdev(x) / pt,
                "discrimination": 100 * stdlib.correlation(x, rest),
                "efficiency": 100 * cov / cov_max,
            }
        )
    n = len(totals)
    sd = stdlib.stdev(totals)
    mean = stdlib.fmean(totals)
    g1 = (sum((t - mean) ** 3 for t in totals) / n) / (sum((t - mean) ** 2 for t in totals) / n) ** 1.5
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    g2 = (sum((t - mean) ** 4 for t in totals) / n) / (sum((t - mean) ** 2 for t in totals) / n) ** 2 - 3
    kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    columns = np.asarray(scores) * np.asarray(points)
    item_variances = sum(stdlib.variance(list(col)) for col in columns.T)
    k = len(points)
    alpha = k / (k - 1) * (1 - item_variances / stdlib.variance(totals))
    quiz = {
        "mean": 100 * mean / sum(points),
        "median": 100 * stdlib.median(totals) / sum(points),
        "sd": 100 * sd / sum(points),
        "skewness": skew,
        "kurtosis": kurt,
        "cic": 100 * alpha,
        "error_ratio": 100 * math.sqrt(1 - alpha),
        "standard_error": math.sqrt(1 - alpha) * 100 * sd / sum(points),
    }
    return out, quiz


def test_agrees_with_an_independent_computation():
    scores, points = _generated(400, 12, seed=7)
    result = item_analysis(scores, points)
    items, quiz = _independent(scores, points)
    for got, want in zip(result.questions, items, strict=True):
        assert got.facility_index == pytest.approx(want["facility"], abs=1e-4)
        assert got.standard_deviation == pytest.approx(want["sd"], abs=1e-4)
        assert got.discrimination_index == pytest.approx(want["discrimination"], abs=1e-4)
        assert got.discriminative_efficiency == pytest.approx(want["efficiency"], abs=1e-4)
    assert result.quiz.mean == pytest.approx(quiz["mean"], abs=1e-4)
    assert result.quiz.median == pytest.approx(quiz["median"], abs=1e-4)
    assert result.quiz.standard_deviation == pytest.approx(quiz["sd"], abs=1e-4)
    assert result.quiz.skewness == pytest.approx(quiz["skewness"], abs=1e-4)
    assert result.quiz.kurtosis == pytest.approx(quiz["kurtosis"], abs=1e-4)
    assert result.quiz.coefficient_of_internal_consistency == pytest.approx(quiz["cic"], abs=1e-4)
    assert result.quiz.error_ratio == pytest.approx(quiz["error_ratio"], abs=1e-4)
    assert result.quiz.standard_error == pytest.approx(quiz["standard_error"], abs=1e-4)


def test_questions_not_asked_in_every_attempt():
    scores, points = _generated(300, 8, seed=11)
    holes = np.random.default_rng(3).random(scores.shape) < 0.3
    holes[:, 0] = False
    scores[holes] = np.nan
    result = item_analysis(scores, points)
    items, _ = _independent(scores, points)
    for p, (got, want) in enumerate(zip(result.questions, items, strict=True)):
        assert got.attempts == int((~holes[:, p]).sum())
        assert got.facility_index == pytest.approx(want["facility"], abs=1e-4)
        assert got.discrimination_index == pytest.approx(want["discrimination"], abs=1e-4)
        assert got.discriminative_efficiency == pytest.approx(want["efficiency"], abs=1e-4)


def test_ten_thousand_attempts_of_fifty_questions_in_well_under_ten_seconds():
    scores, points = _generated(10_000, 50, seed=5)
    started = time.perf_counter()
    result = item_analysis(scores, points)
    elapsed = time.perf_counter() - started
    assert result.quiz.attempts == 10_000
    assert len(result.questions) == 50
    assert elapsed < 2.0


def test_distractors_by_top_and_bottom_groups():
    # Ten attempts: the groups are round(0.27 * 10) = 3 attempts each.
    totals = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    chosen = np.zeros((10, 3), dtype=bool)
    chosen[[0, 1, 2, 3, 4], 0] = True  # the key: the strong ones
    chosen[[5, 6, 7, 8], 1] = True  # a distractor the weak ones fall for
    chosen[[9], 2] = True
    chosen[0, 1] = True  # a multiple-choice attempt ticking two
    result = distractor_analysis(chosen, totals)
    assert (result.attempts, result.group_size) == (10, 3)
    key, lure, rare = result.options
    assert (key.chosen, key.top, key.bottom) == (5, 3, 0)
    assert (lure.chosen, lure.top, lure.bottom) == (5, 1, 2)
    assert (rare.chosen, rare.top, rare.bottom) == (1, 0, 1)


def test_groups_are_stable_on_ties_and_never_overlap():
    top, bottom, size = group_masks([1, 1, 1, 1])
    assert size == 1
    assert not (top & bottom).any()
    assert list(bottom) == [True, False, False, False]
    assert list(top) == [False, False, False, True]
    top, bottom, size = group_masks([5])
    assert size == 0 and not top.any() and not bottom.any()
