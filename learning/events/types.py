"""The catalogue of domain events. Each is a frozen dataclass with a stable `name`;
payloads hold ids and facts, never model instances or user-submitted bodies (a code
run carries its size and outcome, not the code)."""

import dataclasses
import datetime as dt
import enum
from typing import ClassVar

_REGISTRY: dict[str, type["DomainEvent"]] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            _REGISTRY[cls.name] = cls

    def to_payload(self) -> dict:
        """JSON-safe dict (datetimes as ISO 8601), for jobs and analytics."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = value.isoformat() if isinstance(value, dt.datetime) else value
        return out


def event_from_payload(name: str, payload: dict) -> DomainEvent:
    cls = _REGISTRY[name]
    kwargs = {}
    for field in dataclasses.fields(cls):
        value = payload.get(field.name)
        if field.type in (dt.datetime, "dt.datetime") and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        kwargs[field.name] = value
    return cls(**kwargs)


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserSignedUp(DomainEvent):
    """A learner account was created (accounts.user_signup): analytics counts signups
    and files the learner into a weekly retention cohort."""

    name: ClassVar[str] = "user_signed_up"
    user_id: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrganisationMembershipChanged(DomainEvent):
    """Users moved into `organisation_id` (None: out of any organisation) by an admin
    (the user form, the organisation snippet) or by their organisation's deletion
    (accounts/organisations.py): analytics files their signups and retention cohorts
    under the new organisation (docs/analytics.md#rollups)."""

    name: ClassVar[str] = "organisation_membership_changed"
    user_ids: list[int]
    organisation_id: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class Enrolled(DomainEvent):
    """A learner enrolled in a course, or re-enrolled after leaving it (progress):
    the first step of a course's funnel."""

    name: ClassVar[str] = "enrolled"
    user_id: int
    course_id: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonStarted(DomainEvent):
    name: ClassVar[str] = "lesson_started"
    user_id: int
    lesson_id: int
    course_id: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class LessonCompleted(DomainEvent):
    name: ClassVar[str] = "lesson_completed"
    user_id: int
    lesson_id: int
    course_id: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseCompleted(DomainEvent):
    name: ClassVar[str] = "course_completed"
    user_id: int
    course_id: int
    completion_id: int
    completed_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CodeRun(DomainEvent):
    name: ClassVar[str] = "code_run"
    user_id: int
    language: str
    status: str
    wall_ms: float
    source_bytes: int
    lesson_id: int | None = None
    challenge_id: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChallengePassed(DomainEvent):
    name: ClassVar[str] = "challenge_passed"
    user_id: int
    challenge_id: int
    submission_id: int
    lesson_id: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChallengeSubmitted(DomainEvent):
    """Every graded submission (passed or not). `duplicate_of_id`: another learner's
    submission to the same challenge with the same normalised tokens, if any (the
    exact-duplicate check, docs/similarity.md)."""

    name: ClassVar[str] = "challenge_submitted"
    user_id: int
    challenge_id: int
    submission_id: int
    passed: bool
    duplicate_of_id: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class QuizSubmitted(DomainEvent):
    name: ClassVar[str] = "quiz_submitted"
    user_id: int
    quiz_id: int
    score: float
    max_score: float
    attempt_id: int | None = None
    course_id: int | None = None
    passed: bool | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class QuizPassed(DomainEvent):
    """The learner's quiz grade (highest, last or average of the attempts, as the quiz
    says) turned to a pass with this attempt (docs/assessments.md)."""

    name: ClassVar[str] = "quiz_passed"
    user_id: int
    quiz_id: int
    course_id: int
    attempt_id: int
    grade_percent: float
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class HintRequested(DomainEvent):
    """The tutor gave a hint of a challenge's ladder: `level` is its rung ("1" is the
    first), `challenge_id` the challenge (docs/tutor.md)."""

    name: ClassVar[str] = "hint_requested"
    user_id: int
    lesson_id: int | None
    level: str
    challenge_id: int | None = None


class ContentChange(enum.StrEnum):
    """The `change` of ContentPublished / ContentUnpublished (plain strings on the wire)."""

    PUBLISH = "publish"
    GO_LIVE = "go_live"
    UNPUBLISH = "unpublish"
    EXPIRE = "expire"
    MOVE = "move"
    COPY = "copy"
    DELETE = "delete"
    CHALLENGE = "challenge"
    IMAGE = "image"
    DOCUMENT = "document"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContentPublished(DomainEvent):
    """What learners of a course see changed and is live: a page was published (or went
    live on schedule), moved or copied into the course, or something a published lesson
    shows from outside its page changed (a challenge, an image, a document).

    `page_ids` are the pages whose learner view changed (course, module or lesson pages);
    `change` says how: publish | go_live | move | copy | challenge | image | document.
    Subscribers: the content cache (versions bump), later the tutor index and
    notifications. A change that touches two courses (a move) publishes one event per
    course. Emitted by cms/events.py (pages, images, documents) and by the coding
    services (challenges); docs/content-events.md says when each fires."""

    name: ClassVar[str] = "content_published"
    course_id: int
    page_ids: list[int]
    change: str
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContentUnpublished(DomainEvent):
    """Pages of a course are no longer visible to learners: unpublished, expired on
    schedule, deleted, or moved out of the course. `change`: unpublish | expire |
    delete | move."""

    name: ClassVar[str] = "content_unpublished"
    course_id: int
    page_ids: list[int]
    change: str
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordingPublished(DomainEvent):
    """A recording (a screencast and its code timeline) became visible to the learners
    of its course: `lesson_id` when it is linked to a lesson. Published by
    learning/recordings (`recording_publish`), once per publication (publishing an
    already published recording emits nothing). For notifications and analytics."""

    name: ClassVar[str] = "recording_published"
    recording_id: int
    course_id: int
    lesson_id: int | None
    snapshot_count: int
    duration_ms: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordingUnpublished(DomainEvent):
    """A published recording was hidden from its course's learners again (unpublished or
    deleted). Published by learning/recordings, once per change of visibility."""

    name: ClassVar[str] = "recording_unpublished"
    recording_id: int
    course_id: int
    lesson_id: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProjectSaved(DomainEvent):
    """A learner's project workspace changed (a file or folder written, moved, deleted, a
    save point restored, a zip imported): `version` is the project's new version. For
    the similarity scan (debounced) and analytics. Published by learning/projects."""

    name: ClassVar[str] = "project_saved"
    user_id: int
    project_id: int
    version: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class XpAwarded(DomainEvent):
    """An XP award was appended to the learner's ledger (learning/rewards). `source` is
    the rule's event name (lesson_completed, challenge_passed, quiz_passed, streak_day)."""

    name: ClassVar[str] = "xp_awarded"
    user_id: int
    award_id: int
    points: int
    source: str
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class LevelReached(DomainEvent):
    """The learner's XP total crossed into a new level (learning/rewards)."""

    name: ClassVar[str] = "level_reached"
    user_id: int
    level: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class BadgeAwarded(DomainEvent):
    """A badge was issued to a learner, exactly once per learner and badge
    (learning/rewards). `badge_slug` is the badge definition's stable slug."""

    name: ClassVar[str] = "badge_awarded"
    user_id: int
    badge_id: int
    badge_slug: str
    award_id: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CertificateIssued(DomainEvent):
    """A course certificate was issued (or re-issued after a revocation) and its PDF is
    stored (learning/rewards/certificates). `serial` is its human-readable serial."""

    name: ClassVar[str] = "certificate_issued"
    user_id: int
    certificate_id: int
    course_id: int
    serial: str
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CertificateRevoked(DomainEvent):
    """An admin revoked a certificate (learning/rewards/certificates). The reason stays
    in the certificate and the audit log, not in the event. `revoked_by_id` is the admin
    (learning/audit records the explicit `certificate.revoked` entry from it)."""

    name: ClassVar[str] = "certificate_revoked"
    user_id: int
    certificate_id: int
    course_id: int
    occurred_at: dt.datetime
    revoked_by_id: int | None = None


# --- moderation of learner content (learning/moderation, docs/moderation.md) ---
# `kind` names a reportable kind ("project", "profile"); `object_id` the object of the
# owning app; `reason` a code of the fixed list (learning.moderation.models.Reason), never
# the admin's or the reporter's free text (that stays in the moderation case).


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContentTakenDown(DomainEvent):
    """An admin took a piece of learner content down: the owning app hides it from
    everyone but admins (heard by projects and accounts), the owner is notified
    (notifications), the audit log records it (audit)."""

    name: ClassVar[str] = "content_taken_down"
    case_id: int
    kind: str
    object_id: int
    owner_id: int | None
    reason: str
    taken_down_by_id: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContentRestored(DomainEvent):
    """An admin undid a takedown: the owning app shows the content again."""

    name: ClassVar[str] = "content_restored"
    case_id: int
    kind: str
    object_id: int
    owner_id: int | None
    restored_by_id: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportResolved(DomainEvent):
    """A learner's report was decided: `outcome` is "dismissed" or "taken_down". Heard
    by notifications (the reporter is told) and audit."""

    name: ClassVar[str] = "report_resolved"
    report_id: int
    reporter_id: int
    case_id: int
    kind: str
    outcome: str
    resolved_by_id: int | None
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportExported(DomainEvent):
    """An analytics report export finished and its file is stored (learning/analytics/
    exports): heard by audit. `scope` is "organisation" or "course", with its id."""

    name: ClassVar[str] = "report_exported"
    export_id: str
    requested_by_id: int
    kind: str
    format: str
    scope: str
    organisation_id: int | None
    course_id: int | None
    rows: int
    occurred_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportDownloaded(DomainEvent):
    """A finished export's file was downloaded through its signed link: heard by audit
    (with the request's address and agent). The link itself is the permission, so who
    opened it is not known beyond that; `requested_by_id` is whom it was made for."""

    name: ClassVar[str] = "report_downloaded"
    export_id: str
    requested_by_id: int
    occurred_at: dt.datetime
