"""Setups for the projects rows of tests/permission_matrix/rows_projects.py: a project owned by
"other" (a teacher, who may keep projects like anyone), with a save point, a live share
link, a revoked one and a preview token. Nobody else may reach it through the API (404,
teachers and admins included); the token URLs are the permission themselves."""


def others_project(callers) -> dict:
    from ..models import Project
    from ..preview import preview_token_make
    from ..services import save_point_create, share_link_create, share_link_revoke

    project = Project.objects.create(
        owner=callers["other"],
        title="Theirs",
        files=[{"path": "index.html", "content": "<h1>theirs</h1>"}],
        total_bytes=15,
    )
    point = save_point_create(project=project, name="before")
    live, live_token = share_link_create(project=project, hours=1)
    revoked, revoked_token = share_link_create(project=project, hours=1)
    share_link_revoke(link=revoked)
    return {
        "others_project": project.pk,
        "others_save_point": point.pk,
        "others_share": live.pk,
        "live_share_token": live_token,
        "revoked_share_token": revoked_token,
        "preview_token": preview_token_make(project=project),
    }
