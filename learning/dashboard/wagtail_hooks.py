"""The editor's home (/admin/): a teacher sees their courses' numbers, their pages in
review and their challenges that need a check; an admin sees the platform's totals and
Wagtail's own moderation queue ("Awaiting your review", with its actions). Students
never reach the editor (no `wagtailadmin.access_admin`).
https://docs.wagtail.org/en/stable/reference/hooks.html#construct-homepage-panels
"""

from wagtail import hooks
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel

from learning.accounts.roles import Role, user_has_role

from .overview import admin_overview, teacher_overview
from .panels import (
    ChallengeChecksPanel,
    PlatformTotalsPanel,
    TeacherCoursesPanel,
    TeacherPagesInReviewPanel,
)

# Wagtail's own workflow panels that ours replace for teachers ("Your pages in review"
# shows the course and the reviewer's comment; they ask the database once or more per
# listed page). An admin keeps Wagtail's "Awaiting your review": it is the moderation
# queue with its Approve / Request changes actions in place; the totals count it.
REPLACED_FOR = {
    Role.ADMIN: (UserObjectsInWorkflowModerationPanel,),
    Role.TEACHER: (UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel),
}


@hooks.register("construct_homepage_panels")
def dashboard_panels(request, panels):
    user = request.user
    if user_has_role(user, Role.ADMIN):
        role, overview = Role.ADMIN, admin_overview()
        ours = [PlatformTotalsPanel(overview)]
    elif user_has_role(user, Role.TEACHER):
        role = Role.TEACHER
        overview = teacher_overview(user=user)
        ours = [
            TeacherCoursesPanel(overview),
            TeacherPagesInReviewPanel(overview),
            ChallengeChecksPanel(overview),
        ]
    else:
        return
    panels[:] = [panel for panel in panels if not isinstance(panel, REPLACED_FOR[role])] + ours
