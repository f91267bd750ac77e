"""What the editor's home shows, composed from the owning apps' selectors (each a fixed
number of queries): this module only puts their answers side by side. It reads, never
writes, and imports no service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.models import WorkflowState

from cms.selectors import PageInWorkflow, course_totals, courses_editable_by, pages_in_workflow
from learning.accounts.selectors import learner_count
from learning.coding.selectors import ChallengeCheckRow, challenge_check_overview, submission_totals
from learning.progress.selectors import CourseLearnerStats, course_learner_stats, platform_progress_totals

NO_STATS = CourseLearnerStats(learners=0, completed=0, required_lessons=0, average_percent=None)


@dataclass(frozen=True)
class CourseRow:
    id: int
    title: str
    live: bool
    has_unpublished_changes: bool
    stats: CourseLearnerStats
    challenges: dict[str, int]


@dataclass(frozen=True)
class TeacherOverview:
    courses: list[CourseRow]
    pages: list[PageInWorkflow]
    challenges: list[ChallengeCheckRow]
    course_titles: dict[int, str]


def teacher_overview(*, user) -> TeacherOverview:
    """The courses `user` owns (cms.selectors.courses_editable_by: for a teacher, the
    owned ones), with their learners' numbers, their pages in review and their
    challenges whose last check did not pass."""
    courses = list(
        courses_editable_by(user=user).only(
            "id", "path", "depth", "draft_title", "live", "has_unpublished_changes"
        )
    )
    stats = course_learner_stats(courses=courses)
    counts, challenges = challenge_check_overview(course_ids=[course.pk for course in courses])
    pages = pages_in_workflow(
        course_paths=[course.path for course in courses],
        statuses=(WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES),
    )
    rows = [
        CourseRow(
            id=course.pk,
            title=course.draft_title,
            live=course.live,
            has_unpublished_changes=course.has_unpublished_changes,
            stats=stats.get(course.pk, NO_STATS),
            challenges=counts.get(course.pk, {}),
        )
        for course in courses
    ]
    return TeacherOverview(
        courses=rows,
        pages=pages,
        challenges=challenges,
        course_titles={row.id: row.title for row in rows},
    )


@dataclass(frozen=True)
class AdminOverview:
    since: datetime
    totals: dict[str, int]
    queue: list[PageInWorkflow]


def admin_overview() -> AdminOverview:
    """Platform totals (the last 24 hours for the "today" numbers) and every page
    waiting for review."""
    since = timezone.now() - timedelta(days=1)
    totals = {
        "learners": learner_count(),
        **course_totals(),
        **platform_progress_totals(since=since),
        **submission_totals(since=since),
    }
    queue = pages_in_workflow(course_paths=None, statuses=(WorkflowState.STATUS_IN_PROGRESS,))
    return AdminOverview(since=since, totals=totals, queue=queue)
