"""What learners can report: a small registry of "reportable kinds". Each owning app
registers its kinds in its AppConfig.ready(), so this app never imports theirs:

    from learning.moderation.registry import ReportableKind, register_kind
    register_kind(ReportableKind(key="project", label="Shared project",
                                 resolve=..., describe=...))

`resolve(user=..., target=...)` answers what the reporter means by `target` (a share
token, a profile id...) as a `ContentTarget`, and raises `django.http.Http404` when the
reporter cannot see it (unknown, revoked, expired, taken down): you cannot report what
you cannot see. `describe(object_id=...)` is the admin's view of the content for the
review queue (None when it is gone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentTarget:
    object_id: int
    owner_id: int | None
    label: str  # a short title for the queue (a project's title, a display name)


@dataclass(frozen=True)
class ReportableKind:
    key: str
    label: str
    target_help: str  # what `target` is, for the API docs
    resolve: Callable[..., ContentTarget]
    describe: Callable[..., dict | None]


KINDS: dict[str, ReportableKind] = {}


def register_kind(kind: ReportableKind) -> ReportableKind:
    KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> ReportableKind | None:
    return KINDS.get(key)


def kind_choices() -> list[tuple[str, str]]:
    return [(key, kind.label) for key, kind in sorted(KINDS.items())]
