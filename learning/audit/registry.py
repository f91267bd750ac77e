"""Which models django-auditlog records a diff of (every create, update and delete,
with the actor, address, user agent and request id of the request that made it).

One list, by model label, so the audited set is read in one place and this app imports
no other app's code. An app whose models are not here can register them itself, one
line in its AppConfig.ready():

    from learning.audit.registry import audit_register
    audit_register("certificates.Certificate", exclude_fields=["pdf"])

Big content (StreamField bodies, rich text) stays out of the diffs: the page revisions
keep it, and the publish events (receivers.py) name the revision.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

_PAGE_FIELDS = [
    "title",
    "slug",
    "live",
    "owner",
    "locked",
    "locked_by",
    "go_live_at",
    "expire_at",
    "has_unpublished_changes",
    "live_revision",
]

# label -> django-auditlog options. accounts.User is registered by accounts itself.
AUDITED_MODELS: dict[str, dict] = {
    # groups and permissions: roles are groups (accounts.0002_roles); which permissions a
    # group or user holds is in their m2m diffs (Permission rows themselves are made by
    # migrations and are not sensitive)
    "auth.Group": {"m2m_fields": {"permissions"}},
    "wagtailcore.GroupPagePermission": {},
    "wagtailcore.GroupCollectionPermission": {},
    "guardian.UserObjectPermission": {},
    "guardian.GroupObjectPermission": {},
    # content: the course tree and its publishing (publish/unpublish events: receivers.py)
    "cms.CoursePage": {"include_fields": _PAGE_FIELDS},
    "cms.ModulePage": {"include_fields": _PAGE_FIELDS},
    "cms.LessonPage": {"include_fields": _PAGE_FIELDS},
    "assessments.QuizPage": {"include_fields": _PAGE_FIELDS},
    # challenges, quizzes' questions, recordings
    "coding.Challenge": {},
    "coding.ChallengeTest": {},
    "assessments.Question": {"exclude_fields": ["stem"]},
    "assessments.QuestionOption": {},
    "recordings.Recording": {},
    # rewards: the XP rules and badge definitions admins edit in Wagtail (the XP ledger is
    # itself append-only and names its source event; certificates register themselves)
    "rewards.XpRule": {"exclude_fields": ["updated_at"]},
    "rewards.Badge": {},
    # announcements: who wrote, scheduled, sent or cancelled a broadcast (not the
    # fan-out's progress counters, which move on every batch)
    "announcements.Announcement": {
        "include_fields": [
            "author",
            "title",
            "body",
            "target",
            "role",
            "course",
            "channels",
            "scheduled_at",
            "status",
            "sent_by",
            "cancelled_at",
        ]
    },
    # organisations (schools, partners); members and their organisation-admin flag are
    # fields of accounts.User, whose diffs accounts records itself
    "accounts.Organisation": {},
    # the site's settings
    "wagtailcore.Site": {},
    # moderation of learner content: who took what down or restored it (the explicit
    # moderation.* events, receivers.py) and each report's state; not the free texts
    "moderation.ModerationCase": {
        "include_fields": [
            "kind",
            "object_id",
            "owner",
            "state",
            "takedown_reason",
            "taken_down_at",
            "taken_down_by",
            "restored_at",
            "restored_by",
        ]
    },
    "moderation.Report": {"include_fields": ["case", "reporter", "reason", "status"]},
}


def audit_register(label: str, **options) -> None:
    """Record django-auditlog diffs of the model with this label (`app_label.Model`)."""
    model = apps.get_model(label)
    if not auditlog.contains(model):
        auditlog.register(model, **options)


def register_all() -> None:
    for label, options in AUDITED_MODELS.items():
        audit_register(label, **options)
