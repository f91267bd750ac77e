"""Quiz and question statistics, computed the way Moodle's quiz statistics report does.

The reference is Moodle's "Quiz statistics calculations" (docs.moodle.org/dev) and its
code (`question/classes/statistics/questions/calculator.php`,
`mod/quiz/report/statistics/classes/calculator.php`). Notation: S attempts, P questions
(positions), x_p(s) the mark attempt s got on question p (its score fraction times the
question's points), T(s) = sum_p x_p(s) the attempt's total, X_p(s) = T(s) - x_p(s) the
rest of the test.

Per question p (over the attempts that were asked it):
- facility index F_p = 100 * mean(x_p) / max_p;
- standard deviation SD_p = 100 * sd(x_p) / max_p (sample SD, n - 1);
- discrimination index D_p = 100 * r(x_p, X_p), the correlation of the item with the
  rest of the test;
- discriminative efficiency DE_p = 100 * C(x_p, X_p) / C_max, where C_max is the
  covariance of x_p and X_p each sorted ascending (the largest covariance those marks
  could have);
- intended weight 100 * max_p / sum(max) and effective weight
  100 * sqrt(C(x_p, T)) / sum_q sqrt(C(x_q, T)) (None when C(x_p, T) < 0).

Per quiz (totals as a percentage of the largest possible total, as Moodle shows them):
mean, median, sample SD, skewness and kurtosis (the adjusted Fisher-Pearson k-statistics
Moodle uses: k3 / k2^1.5 and k4 / k2^2), the coefficient of internal consistency (CIC,
Cronbach's alpha) 100 * P / (P - 1) * (1 - sum_p V(x_p) / V(T)), the error ratio
ER = 100 * sqrt(1 - CIC / 100) and the standard error SE = ER * SD / 100.

A statistic that cannot be computed (too few attempts, zero variance) is None, as
Moodle leaves it empty. Scores may hold NaN for "not asked" (a question drawn at random
into some attempts only): each question's statistics then use the attempts that had it,
its rest-of-test is the attempt's total minus its mark. With a complete matrix (every
attempt answered every position) the numbers are Moodle's exactly.

Distractor analysis: for each option of a question, how many attempts chose it, overall
and in the top and bottom groups (by default 27%) of attempts ranked by total score.

Everything is vectorised over the matrix: 10,000 attempts x 50 questions take a few
milliseconds (bench/scenarios_assessments.py runs it inside the job).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

GROUP_SHARE = 0.27


@dataclass(frozen=True)
class QuestionStatistics:
    position: int
    attempts: int
    facility_index: float | None
    standard_deviation: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    intended_weight: float | None
    effective_weight: float | None


@dataclass(frozen=True)
class QuizStatistics:
    attempts: int
    questions: int
    max_total: float
    mean: float | None
    median: float | None
    standard_deviation: float | None
    skewness: float | None
    kurtosis: float | None
    coefficient_of_internal_consistency: float | None
    error_ratio: float | None
    standard_error: float | None


@dataclass(frozen=True)
class ItemAnalysis:
    quiz: QuizStatistics
    questions: tuple[QuestionStatistics, ...]


@dataclass(frozen=True)
class OptionCount:
    option: int
    chosen: int
    top: int
    bottom: int


@dataclass(frozen=True)
class DistractorAnalysis:
    attempts: int
    group_size: int
    options: tuple[OptionCount, ...]


def _value(number) -> float | None:
    number = float(number)
    return number if math.isfinite(number) else None


def _ratio(numerator: np.ndarray, denominator: np.ndarray, scale: float = 100.0) -> np.ndarray:
    """numerator / denominator * scale where the denominator is non-zero, else NaN."""
    out = np.full(np.shape(numerator), np.nan)
    np.divide(numerator * scale, denominator, out=out, where=np.abs(denominator) > 1e-12)
    return out


def item_analysis(scores, max_marks=None) -> ItemAnalysis:
    """Statistics of a score matrix: rows are attempts, columns question positions, each
    cell the fraction of the question's points the attempt got (NaN: not asked).
    `max_marks` are the points of each question (default 1 each)."""
    fractions = np.asarray(scores, dtype=float)
    if fractions.ndim != 2:
        raise ValueError("scores must be a matrix (attempts x questions)")
    attempts, questions = fractions.shape
    if max_marks is None:
        points = np.ones(questions)
    else:
        points = np.asarray(max_marks, dtype=float)
        if points.shape != (questions,):
            raise ValueError("max_marks needs one value per question")
        if np.any(points <= 0) or not np.all(np.isfinite(points)):
            raise ValueError("max_marks must be positive")
    asked = ~np.isnan(fractions)
    marks = np.where(asked, fractions, 0.0) * points
    totals = marks.sum(axis=1)
    rest = totals[:, None] - marks

    n = asked.sum(axis=0).astype(float)
    n_safe = np.where(n > 0, n, 1.0)
    mark_mean = marks.sum(axis=0) / n_safe
    rest_mean = np.where(asked, rest, 0.0).sum(axis=0) / n_safe
    total_mean_asked = np.where(asked, totals[:, None], 0.0).sum(axis=0) / n_safe
    d_mark = np.where(asked, marks - mark_mean, 0.0)
    d_rest = np.where(asked, rest - rest_mean, 0.0)
    d_total = np.where(asked, totals[:, None] - total_mean_asked, 0.0)

    # The largest covariance: both columns sorted ascending (NaN, "not asked", sort last
    # in both, so the asked values pair up in the first n rows).
    sorted_mark = np.sort(np.where(asked, marks, np.nan), axis=0) - mark_mean
    sorted_rest = np.sort(np.where(asked, rest, np.nan), axis=0) - rest_mean
    cov_max_sum = np.nansum(sorted_mark * sorted_rest, axis=0)

    dof = np.where(n > 1, n - 1, np.nan)
    mark_var = (d_mark**2).sum(axis=0) / dof
    rest_var = (d_rest**2).sum(axis=0) / dof
    cov = (d_mark * d_rest).sum(axis=0) / dof
    cov_max = cov_max_sum / dof
    cov_total = (d_mark * d_total).sum(axis=0) / dof

    facility = np.where(n > 0, _ratio(mark_mean, points), np.nan)
    sd = _ratio(np.sqrt(mark_var), points)
    discrimination = _ratio(cov, np.sqrt(mark_var * rest_var))
    efficiency = _ratio(cov, cov_max)
    intended = 100.0 * points / points.sum() if questions else points
    root_cov = np.sqrt(np.where(cov_total >= 0, cov_total, np.nan))
    root_sum = np.nansum(root_cov)
    effective = _ratio(root_cov, np.full(questions, root_sum))

    question_stats = tuple(
        QuestionStatistics(
            position=p + 1,
            attempts=int(n[p]),
            facility_index=_value(facility[p]),
            standard_deviation=_value(sd[p]),
            discrimination_index=_value(discrimination[p]),
            discriminative_efficiency=_value(efficiency[p]),
            intended_weight=_value(intended[p]),
            effective_weight=_value(effective[p]),
        )
        for p in range(questions)
    )
    return ItemAnalysis(
        quiz=_quiz_statistics(totals, points.sum(), questions, np.nansum(mark_var)),
        questions=question_stats,
    )


def _quiz_statistics(
    totals: np.ndarray, max_total: float, questions: int, sum_mark_variance
) -> QuizStatistics:
    s = len(totals)
    scale = 100.0 / max_total if max_total else math.nan
    mean = median = sd = skew = kurt = cic = error_ratio = standard_error = None
    if s:
        mean = float(totals.mean()) * scale
        median = float(np.median(totals)) * scale
    if s > 1:
        diff = totals - totals.mean()
        power2, power3, power4 = (diff**2).sum(), (diff**3).sum(), (diff**4).sum()
        sd = math.sqrt(power2 / (s - 1)) * scale
        if s > 2:
            m2, m3, m4 = power2 / s, power3 / s, power4 / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if k2 > 1e-12:
                skew = k3 / k2**1.5
                if s > 3:
                    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                    kurt = k4 / (k2 * k2)
                if questions > 1:
                    cic = 100.0 * questions / (questions - 1) * (1 - sum_mark_variance / k2)
                    # A CIC above 100 cannot happen; below 0 (items working against each
                    # other) leaves no real error ratio, as in Moodle (sqrt of > 1 is fine,
                    # but CIC <= 100 always holds, so 1 - CIC/100 >= 0).
                    error_ratio = 100.0 * math.sqrt(max(0.0, 1 - cic / 100.0))
                    standard_error = error_ratio * sd / 100.0
    return QuizStatistics(
        attempts=s,
        questions=questions,
        max_total=float(max_total),
        mean=_value(mean) if mean is not None else None,
        median=_value(median) if median is not None else None,
        standard_deviation=sd,
        skewness=_value(skew) if skew is not None else None,
        kurtosis=_value(kurt) if kurt is not None else None,
        coefficient_of_internal_consistency=_value(cic) if cic is not None else None,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )


def group_masks(totals, share: float = GROUP_SHARE) -> tuple[np.ndarray, np.ndarray, int]:
    """The top and bottom `share` of attempts ranked by total (ties broken by the order
    of the attempts: a stable sort, so the same data always gives the same groups)."""
    totals = np.asarray(totals, dtype=float)
    s = len(totals)
    size = min(s // 2, max(1, round(share * s))) if s > 1 else 0
    order = np.argsort(totals, kind="stable")
    bottom = np.zeros(s, dtype=bool)
    top = np.zeros(s, dtype=bool)
    if size:
        bottom[order[:size]] = True
        top[order[-size:]] = True
    return top, bottom, size


def distractor_analysis(chosen, totals, share: float = GROUP_SHARE) -> DistractorAnalysis:
    """`chosen`: a boolean matrix, rows the attempts that were asked the question, columns
    its options (True: the attempt chose it); `totals` those attempts' total scores."""
    picks = np.asarray(chosen, dtype=bool)
    if picks.ndim != 2 or picks.shape[0] != len(totals):
        raise ValueError("chosen needs one row per total")
    top, bottom, size = group_masks(totals, share)
    overall = picks.sum(axis=0)
    in_top = picks[top].sum(axis=0)
    in_bottom = picks[bottom].sum(axis=0)
    return DistractorAnalysis(
        attempts=picks.shape[0],
        group_size=size,
        options=tuple(
            OptionCount(option=k, chosen=int(overall[k]), top=int(in_top[k]), bottom=int(in_bottom[k]))
            for k in range(picks.shape[1])
        ),
    )
