"""The editor's home (/admin/): a teacher sees their courses' numbers, their pages in
review and their challenges that need a check; an admin sees the platform's totals and
the moderation queue. Students never reach the editor (no `wagtailadmin.access_admin`).
https://docs.wagtail.org/en/stable/reference/hooks.html#construct-homepage-panels
"""

from wagtail import hooks
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel

from learning.accounts.roles import Role, user_has_role

from .overview import admin_overview, teacher_overview
from .panels import (
    ChallengeChecksPanel,
    ModerationQueuePanel,
    PlatformTotalsPanel,
    TeacherCoursesPanel,
    TeacherPagesInReviewPanel,
)

# Wagtail's own workflow panels, which ours replace: they ask the database once or more
# per listed page, and ours show the course and the reviewer's comment.
REPLACED = (UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel)


@hooks.register("construct_homepage_panels")
def dashboard_panels(request, panels):
    user = request.user
    if user_has_role(user, Role.ADMIN):
        overview = admin_overview()
        ours = [PlatformTotalsPanel(overview), ModerationQueuePanel(overview)]
    elif user_has_role(user, Role.TEACHER):
        overview = teacher_overview(user=user)
        ours = [
            TeacherCoursesPanel(overview),
            TeacherPagesInReviewPanel(overview),
            ChallengeChecksPanel(overview),
        ]
    else:
        return
    panels[:] = [panel for panel in panels if not isinstance(panel, REPLACED)] + ours
