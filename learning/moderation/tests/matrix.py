"""Setups for the moderation rows of tests/permission_matrix/rows_moderation.py: a shared project of
"other" (a teacher) with a live share link, reported by a third learner (an open case),
and a taken-down profile case (to restore)."""


def reported_project(callers) -> dict:
    from django.test import TestCase

    from learning.accounts.tests.factories import UserFactory
    from learning.projects.models import Project
    from learning.projects.services import share_link_create

    from ..services import case_take_down, report_create

    project = Project.objects.create(
        owner=callers["other"],
        title="Theirs",
        files=[{"path": "index.html", "content": "<h1>theirs</h1>"}],
        total_bytes=15,
    )
    _, token = share_link_create(project=project, hours=1)
    reporter = UserFactory(email="matrix-reporter@example.test", role="student")
    report = report_create(reporter=reporter, kind="project", target=token, reason="spam")
    profile_report = report_create(
        reporter=reporter, kind="profile", target=str(callers["other"].pk), reason="harassment"
    )
    # the events run as after a real commit: accounts hides the profile
    with TestCase.captureOnCommitCallbacks(execute=True):
        taken_down = case_take_down(case=profile_report.case, admin=callers["admin"], reason="harassment")
    return {
        "mod_share_token": token,
        "mod_case": report.case_id,
        "mod_taken_down_case": taken_down.pk,
    }
