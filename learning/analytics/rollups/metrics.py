"""The dashboard metrics: one entry per metric the API serves (docs/analytics.md#dashboards).

`kind` says how rollup rows become a time series:
  count      day rows summed into the requested buckets
  distinct   distinct learners: day, week and month rows each computed from raw events
             (a week's active learners are not the sum of its days')
  median     a median per day, week and month, computed from raw events
  rate       day rows of numerator / denominator, both summed into the buckets
  funnel     day rows per step (enrolment day cohorts), summed into the buckets
  retention  signup-week cohorts: week N after signup, as a share of the cohort
`course` / `organisation`: whether the metric can be narrowed to one (a null dimension
in a rollup row means "all"); `per`: the metric is broken down by lesson or module of
one course (a course is then required).
"""

from __future__ import annotations

from dataclasses import dataclass

FUNNEL_STEPS = ("enrolled", "started_first_lesson", "completed_module_1", "completed_course")


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    unit: str
    description: str
    course: bool = True
    organisation: bool = True
    per: str | None = None  # "lesson" | "module"


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "active_learners",
            "distinct",
            "learners",
            "Learners with at least one event in the period (daily, weekly or monthly active).",
        ),
        Metric(
            "new_signups",
            "count",
            "learners",
            "Accounts created (by signup day; the organisation is the learner's current one).",
            course=False,
        ),
        Metric("lesson_views", "count", "events", "Lesson views (client `lesson_view` events)."),
        Metric("code_runs", "count", "events", "Code runs in the sandbox."),
        Metric("hints", "count", "events", "Tutor hints asked for."),
        Metric(
            "hints_per_lesson",
            "count",
            "events",
            "Tutor hints asked for, one series per lesson of the course.",
            per="lesson",
        ),
        Metric("enrolments", "count", "learners", "Enrolments in a course (a re-enrolment counts again)."),
        Metric(
            "completion_rate",
            "rate",
            "share",
            "Of the learners who first enrolled in the period, the share who have completed the course.",
        ),
        Metric(
            "module_completion_rate",
            "rate",
            "share",
            "Of the learners who first enrolled in the course in the period, the share who have "
            "completed each module (every required live lesson of it); one series per module.",
            per="module",
        ),
        Metric(
            "median_time_to_complete",
            "median",
            "seconds",
            "Median time from first enrolment to completing the course, of the completions in the period.",
        ),
        Metric(
            "retention",
            "retention",
            "share",
            "Signup-week cohorts: the share of each cohort active in week N after its signup week.",
            course=False,
        ),
        Metric(
            "funnel",
            "funnel",
            "learners",
            "Of the learners who first enrolled in the period: how many started a lesson, completed "
            "the course's first module, completed the course.",
        ),
    ]
}

# Raw event type -> the count metric it feeds.
COUNTED_TYPES = {
    "lesson_view": "lesson_views",
    "code_run": "code_runs",
    "hint_requested": "hints",
    "enrolled": "enrolments",
}
