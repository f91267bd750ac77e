"""Reads of the projects app. A project is its owner's alone: every getter takes the
user and raises Http404 for anyone else's project (teachers and admins included: see
docs/projects.md, "Who sees a project")."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Project, ProjectTemplate, SavePoint, ShareLink


def projects_of_user(*, user) -> QuerySet[Project]:
    """The caller's projects, newest change first, without their files (a list row)."""
    return Project.objects.filter(owner=user).defer("files", "folders").order_by("-updated_at", "-pk")


def project_get_for_user(*, user, project_id: int) -> Project:
    project = Project.objects.filter(pk=project_id, owner=user).first()
    if project is None:
        raise Http404("No such project.")
    return project


def save_points_of_project(*, project: Project) -> QuerySet[SavePoint]:
    return SavePoint.objects.filter(project=project).defer("files", "folders").order_by("-created_at", "-pk")


def save_point_get(*, project: Project, save_point_id: int) -> SavePoint:
    point = SavePoint.objects.filter(pk=save_point_id, project=project).first()
    if point is None:
        raise Http404("No such save point.")
    return point


def share_links_of_project(*, project: Project) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(project=project).order_by("-created_at", "-pk")


def share_link_get(*, project: Project, share_id: int) -> ShareLink:
    link = ShareLink.objects.filter(pk=share_id, project=project).first()
    if link is None:
        raise Http404("No such share link.")
    return link


class ShareGone(Exception):
    """The link existed but is revoked or expired (410, with `code`)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def shared_project_get(*, token: str) -> Project:
    """The project behind a share token: Http404 when no link has this token,
    ShareGone when it was revoked or has expired, or the project was taken down by a
    moderator (docs/moderation.md: the same answer for everyone, the owner included)."""
    from .services import share_token_hash

    if not token or len(token) > 128:
        raise Http404("No such share link.")
    link = ShareLink.objects.select_related("project").filter(token_hash=share_token_hash(token)).first()
    if link is None:
        raise Http404("No such share link.")
    if link.revoked_at is not None:
        raise ShareGone("share_revoked", "This link was revoked by its owner.")
    if link.expires_at <= timezone.now():
        raise ShareGone("share_expired", "This link has expired.")
    if link.project.taken_down_at is not None:
        raise ShareGone("taken_down", "This project was taken down by a moderator.")
    return link.project


def templates_for_learners() -> QuerySet[ProjectTemplate]:
    """Templates a learner may start from: those of no course, or of a live course."""
    return (
        ProjectTemplate.objects.filter(Q(course__isnull=True) | Q(course__live=True))
        .select_related("course")
        .order_by("title", "pk")
    )


def template_get_for_learner(*, template_id: int) -> ProjectTemplate:
    template = templates_for_learners().prefetch_related("files").filter(pk=template_id).first()
    if template is None:
        raise Http404("No such project template.")
    return template


def project_text_files_of_course(*, course_id: int) -> list[dict]:
    """For the similarity check of a course (issue 16, item 5): every text file of the
    projects started from the course's templates, one dict per file:
    {"project_id", "owner_id", "path", "content", "updated_at"}, ordered by project then
    path. One query."""
    rows = (
        Project.objects.filter(course_id=course_id)
        .order_by("pk")
        .values_list("pk", "owner_id", "files", "updated_at")
    )
    return [
        {
            "project_id": pk,
            "owner_id": owner_id,
            "path": f["path"],
            "content": f["content"],
            "updated_at": updated,
        }
        for pk, owner_id, files, updated in rows
        for f in files
    ]


def project_course_id(*, project_id: int) -> int | None:
    """The course a project belongs to (through the template it started from), or None
    (a blank project, or one deleted since). For other apps reacting to ProjectSaved."""
    return Project.objects.filter(pk=project_id).values_list("course_id", flat=True).first()
