"""Panels of the editor's home (Wagtail `Component`s, rendered by Wagtail's HomeView).
Each panel gets the overview already computed (overview.py), so the home page asks the
database the same few questions however many courses, learners and pages there are."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from learning.coding.models import Challenge
from learning.coding.selectors import CheckState

from .overview import AdminOverview, TeacherOverview


class _Panel(Component):
    def __init__(self, overview):
        super().__init__()
        self.overview = overview


class TeacherCoursesPanel(_Panel):
    """Your courses: learners, completions, average progress, challenges' checks."""

    name = "teacher_courses"
    template_name = "dashboard/teacher_courses.html"
    order = 50

    def get_context_data(self, parent_context=None):
        overview: TeacherOverview = self.overview
        return {"courses": overview.courses}


class TeacherPagesInReviewPanel(_Panel):
    """Pages of your courses in the review workflow, with the reviewer's comment."""

    name = "teacher_pages_in_review"
    template_name = "dashboard/pages_in_review.html"
    order = 60

    def get_context_data(self, parent_context=None):
        return {
            "pages": self.overview.pages,
            "needs_changes": WorkflowState.STATUS_NEEDS_CHANGES,
            "heading": "Your pages in review",
            "panel_id": "dashboard-pages-in-review",
            "table": "pages",
            "empty": "None of your pages is waiting for review.",
        }


class ChallengeChecksPanel(_Panel):
    """Challenges of your courses whose last check failed, never ran, or predates an
    edit."""

    name = "teacher_challenge_checks"
    template_name = "dashboard/challenge_checks.html"
    order = 70

    def get_context_data(self, parent_context=None):
        overview: TeacherOverview = self.overview
        edit = Challenge.snippet_viewset.get_url_name("edit")
        rows = [
            {
                "row": row,
                "course": overview.course_titles.get(row.course_id, ""),
                "url": reverse(edit, args=[row.id]),
            }
            for row in overview.challenges
        ]
        return {"rows": rows, "states": CheckState, "has_courses": bool(overview.courses)}


class PlatformTotalsPanel(_Panel):
    name = "platform_totals"
    template_name = "dashboard/platform_totals.html"
    order = 50

    def get_context_data(self, parent_context=None):
        overview: AdminOverview = self.overview
        return {"totals": overview.totals, "since": overview.since, "awaiting_review": len(overview.queue)}
