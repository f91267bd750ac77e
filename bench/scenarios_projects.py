"""Project workspaces (issue 16, items 1-3): the reads a live preview makes (a file by
preview token, anonymous: what every frame reload and every sub-resource of a learner's
page costs) and the owner's list and detail. Compare each row's share of the ceiling
measured in the same run."""

from __future__ import annotations

from scenarios import Context, Scenario


def project_of_student(ctx: Context) -> None:
    if "project_id" in ctx.data:
        return
    from django.contrib.auth import get_user_model

    from learning.projects.models import Project
    from learning.projects.preview import preview_token_make
    from learning.projects.services import file_write, project_create

    student = get_user_model().objects.get(email="student@mrict.local")
    student.email_verified = True
    student.save(update_fields=["email_verified"])
    Project.objects.filter(owner=student, title="Bench site").delete()
    project = project_create(user=student, title="Bench site")
    project = file_write(
        project=project,
        path="css/site.css",
        content="h1 { color: blue }\n" * 40,
        base_version=project.version,
    )
    ctx.data["project_id"] = project.pk
    ctx.data["preview_token"] = preview_token_make(project=project)


SCENARIOS = [
    Scenario(
        "projects: preview file by token (anonymous)",
        lambda ctx: f"/api/v1/project-preview/{ctx.data['preview_token']}/css/site.css",
        setup=project_of_student,
        tags=("projects",),
    ),
    Scenario(
        "projects: my projects (list)",
        "/api/v1/projects/",
        user="student",
        setup=project_of_student,
        tags=("projects",),
    ),
    Scenario(
        "projects: one project with its files",
        lambda ctx: f"/api/v1/projects/{ctx.data['project_id']}/",
        user="student",
        setup=project_of_student,
        tags=("projects",),
    ),
]
