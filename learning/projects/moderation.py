"""Projects in moderation (docs/moderation.md): what a learner reports is a shared
project, named by its share token (the only way anyone but its owner sees it); an
admin's takedown (ContentTakenDown, learning/events) marks the project, which the share
selector then refuses with 410 `taken_down`, and a restore clears the mark. Wired in
apps.py."""

from __future__ import annotations

from django.http import Http404

KIND = "project"


def resolve(*, user, target: str):
    """The shared project behind a live share token: what the reporter sees."""
    from learning.moderation.registry import ContentTarget

    from .selectors import ShareGone, shared_project_get

    try:
        project = shared_project_get(token=target)
    except ShareGone:
        raise Http404("No such share link.") from None
    return ContentTarget(object_id=project.pk, owner_id=project.owner_id, label=project.title)


def describe(*, object_id: int) -> dict | None:
    """The admin's view of a reported project, whatever its state."""
    from .models import Project

    project = Project.objects.filter(pk=object_id).first()
    if project is None:
        return None
    return {
        "title": project.title,
        "version": project.version,
        "updated_at": project.updated_at.isoformat(),
        "files": project.files,
        "folders": project.folders,
    }


def on_content_taken_down(event) -> None:
    from .models import Project

    if event.kind == KIND:
        Project.objects.filter(pk=event.object_id).update(
            taken_down_at=event.occurred_at, takedown_reason=event.reason
        )


def on_content_restored(event) -> None:
    from .models import Project

    if event.kind == KIND:
        Project.objects.filter(pk=event.object_id).update(taken_down_at=None, takedown_reason="")


def connect() -> None:
    from learning.events import ContentRestored, ContentTakenDown, bus
    from learning.moderation.registry import ReportableKind, register_kind

    register_kind(
        ReportableKind(
            key=KIND,
            label="Shared project",
            target_help="the share token of the link you were given",
            resolve=resolve,
            describe=describe,
        )
    )
    bus.subscribe(ContentTakenDown, on_content_taken_down)
    bus.subscribe(ContentRestored, on_content_restored)
