"""The only place that changes projects: one function per use case, transaction inside.

Every write to a project's tree takes the version it was based on (learning/versioning:
a stale one raises VersionConflict), checks the whole resulting tree (rules.tree_clean)
before anything is saved, and bumps the version by one. Every change of a workspace
(a project made, a file or folder written, moved or deleted, a rename, a save point
restored, a zip imported) publishes `ProjectSaved` after commit: the similarity scan of
the project's course listens (learning/coding, debounced)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from learning.events import ProjectSaved, bus
from learning.versioning import version_check

from .models import Project, ProjectTemplate, SavePoint, ShareLink
from .rules import ProjectProblem, clean_path, tree_clean

STARTER_FILE = {
    "path": "index.html",
    "content": (
        '<!doctype html>\n<html>\n<head>\n  <meta charset="utf-8">\n  <title>My page</title>\n'
        "</head>\n<body>\n  <h1>Hello!</h1>\n</body>\n</html>\n"
    ),
}


def _saved(project: Project) -> None:
    """Inside the writing transaction: the event goes out after commit (or never)."""
    bus.publish(
        ProjectSaved(
            user_id=project.owner_id,
            project_id=project.pk,
            version=project.version,
            occurred_at=timezone.now(),
        )
    )


def _check_quota(*, user) -> None:
    if Project.objects.filter(owner=user).count() >= settings.PROJECT_MAX_PER_USER:
        raise ProjectProblem(
            f"You have {settings.PROJECT_MAX_PER_USER} projects, the most you may keep; delete one first.",
            "too_many_projects",
        )


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ProjectProblem("Give the project a title.", "required", "title")
    return title[:200]


def project_create(*, user, title: str, template: ProjectTemplate | None = None) -> Project:
    """A blank project (one index.html), or a copy of a template's files and course."""
    files = template.file_list() if template is not None else [dict(STARTER_FILE)]
    return project_create_with_files(
        user=user,
        title=title,
        files=files,
        folders=[],
        template=template,
        course_id=template.course_id if template is not None else None,
    )


def project_create_with_files(
    *, user, title: str, files: list[dict], folders: list[str], template=None, course_id=None
) -> Project:
    title = _title(title)
    clean, clean_folders, total = tree_clean(files, folders)
    with transaction.atomic():
        # The quota counted under a lock on the user's row: two creates at once cannot both pass.
        type(user).objects.select_for_update().filter(pk=user.pk).first()
        _check_quota(user=user)
        project = Project.objects.create(
            owner=user,
            title=title,
            template=template,
            course_id=course_id,
            files=clean,
            folders=clean_folders,
            total_bytes=total,
        )
        _saved(project)
        return project


def _write(*, project_id: int, base_version: int, change) -> Project:
    """Lock the row, check the version, apply `change(files, folders) -> (files, folders)`,
    check the whole tree, save with version + 1."""
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(pk=project_id).first()
        if project is None:  # deleted since the view read it (another tab)
            raise Http404("No such project.")
        version_check(current=project.version, base=base_version)
        files, folders = change([dict(f) for f in project.files], list(project.folders))
        project.files, project.folders, project.total_bytes = tree_clean(files, folders)
        project.version += 1
        project.save(update_fields=["files", "folders", "total_bytes", "version", "updated_at"])
        _saved(project)
    return project


def project_rename(*, project: Project, title: str, base_version: int) -> Project:
    title = _title(title)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        version_check(current=locked.version, base=base_version)
        locked.title = title
        locked.version += 1
        locked.save(update_fields=["title", "version", "updated_at"])
        _saved(locked)
    return locked


def project_delete(*, project: Project) -> None:
    project.delete()


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def file_write(*, project: Project, path: str, content: str, base_version: int) -> Project:
    """Create or replace one file."""
    path = clean_path(path, attr="path")

    def change(files, folders):
        kept = [f for f in files if f["path"] != path]
        return kept + [{"path": path, "content": content}], folders

    return _write(project_id=project.pk, base_version=base_version, change=change)


def folder_create(*, project: Project, path: str, base_version: int) -> Project:
    path = clean_path(path, attr="path", folder=True)

    def change(files, folders):
        if path in folders or any(f["path"].startswith(path + "/") for f in files):
            raise ProjectProblem(f"The folder {path} exists already.", "exists", "path")
        return files, folders + [path]

    return _write(project_id=project.pk, base_version=base_version, change=change)


def path_delete(*, project: Project, path: str, base_version: int) -> Project:
    """Delete a file, or a folder with everything in it."""

    def change(files, folders):
        kept_files = [f for f in files if not _under(f["path"], path)]
        kept_folders = [f for f in folders if not _under(f, path)]
        if len(kept_files) == len(files) and len(kept_folders) == len(folders):
            raise ProjectProblem(f"Nothing at {path}.", "not_found", "path")
        return kept_files, kept_folders

    return _write(project_id=project.pk, base_version=base_version, change=change)


def path_move(*, project: Project, path: str, new_path: str, base_version: int) -> Project:
    """Rename or move a file, or a folder with everything in it. The target must not exist."""
    if not isinstance(new_path, str) or not isinstance(path, str):
        raise ProjectProblem("Give both paths.", "invalid_path", "new_path")

    def change(files, folders):
        is_file = any(f["path"] == path for f in files)
        target = clean_path(new_path, attr="new_path", folder=not is_file)
        if not is_file and not any(_under(f["path"], path) for f in files) and path not in folders:
            raise ProjectProblem(f"Nothing at {path}.", "not_found", "path")
        if _under(target, path) and target != path:
            raise ProjectProblem("A folder cannot move into itself.", "invalid_path", "new_path")
        taken = {f["path"].casefold() for f in files if not _under(f["path"], path)} | {
            f.casefold() for f in folders if not _under(f, path)
        }
        if target.casefold() in taken and target.casefold() != path.casefold():
            raise ProjectProblem(f"{target} exists already.", "exists", "new_path")

        def moved(p):
            return target + p[len(path) :] if _under(p, path) else p

        return [{"path": moved(f["path"]), "content": f["content"]} for f in files], [
            moved(f) for f in folders
        ]

    return _write(project_id=project.pk, base_version=base_version, change=change)


# --- save points ---------------------------------------------------------------------


def save_point_create(*, project: Project, name: str) -> SavePoint:
    """A named copy of the current files; the oldest beyond PROJECT_SAVE_POINTS_KEPT go."""
    name = (name or "").strip()
    if not name:
        raise ProjectProblem("Give the save point a name.", "required", "name")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        point = SavePoint.objects.create(
            project=locked,
            name=name[:100],
            project_version=locked.version,
            files=locked.files,
            folders=locked.folders,
            total_bytes=locked.total_bytes,
        )
        keep = max(1, settings.PROJECT_SAVE_POINTS_KEPT)
        stale = list(SavePoint.objects.filter(project=locked).values_list("pk", flat=True)[keep:])
        if stale:
            SavePoint.objects.filter(pk__in=stale).delete()
    return point


def save_point_restore(*, project: Project, save_point: SavePoint, base_version: int) -> Project:
    """The save point's files become the project's, as a new version (the files it
    replaces are not kept: make a save point first to keep them)."""
    return _write(
        project_id=project.pk,
        base_version=base_version,
        change=lambda files, folders: ([dict(f) for f in save_point.files], list(save_point.folders)),
    )


def save_point_delete(*, save_point: SavePoint) -> None:
    save_point.delete()


# --- share links -----------------------------------------------------------------------


def share_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_link_create(*, project: Project, hours: int | None = None) -> tuple[ShareLink, str]:
    """A read-only link valid for `hours` (PROJECT_SHARE_DEFAULT_HOURS; at most
    PROJECT_SHARE_MAX_HOURS). Returns the link and its token, which is never stored."""
    hours = settings.PROJECT_SHARE_DEFAULT_HOURS if hours is None else hours
    if not 1 <= hours <= settings.PROJECT_SHARE_MAX_HOURS:
        raise ProjectProblem(
            f"A link lasts from 1 to {settings.PROJECT_SHARE_MAX_HOURS} hours.",
            "out_of_range",
            "expires_in_hours",
        )
    now = timezone.now()
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        live = ShareLink.objects.filter(project=project, revoked_at__isnull=True, expires_at__gt=now).count()
        if live >= settings.PROJECT_SHARES_PER_PROJECT:
            raise ProjectProblem(
                f"A project has at most {settings.PROJECT_SHARES_PER_PROJECT} live links; revoke one first.",
                "too_many_links",
            )
        token = secrets.token_urlsafe(32)
        link = ShareLink.objects.create(
            project=project, token_hash=share_token_hash(token), expires_at=now + timedelta(hours=hours)
        )
    return link, token


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
