"""The one in-process domain event bus.

Services publish typed events; other apps subscribe in their AppConfig.ready():

    from learning.events import bus, LessonCompleted

    bus.subscribe(LessonCompleted, award_xp)                  # runs in-process after commit
    bus.subscribe(LessonCompleted, "learning.rewards.handlers.award_badges", job=True)
                                                              # enqueued as a django-q2 job

See dispatch.py for the delivery rules.
"""

from .dispatch import EventBus, bus
from .types import (
    BadgeAwarded,
    CertificateIssued,
    CertificateRevoked,
    ChallengePassed,
    ChallengeSubmitted,
    CodeRun,
    ContentChange,
    ContentPublished,
    ContentRestored,
    ContentTakenDown,
    ContentUnpublished,
    CourseCompleted,
    DomainEvent,
    Enrolled,
    HintRequested,
    LessonCompleted,
    LessonStarted,
    LevelReached,
    OrganisationMembershipChanged,
    ProjectSaved,
    QuizPassed,
    QuizSubmitted,
    RecordingPublished,
    RecordingUnpublished,
    ReportDownloaded,
    ReportExported,
    ReportResolved,
    UserSignedUp,
    XpAwarded,
    event_from_payload,
)

__all__ = [
    "UserSignedUp",
    "BadgeAwarded",
    "CertificateIssued",
    "CertificateRevoked",
    "ChallengePassed",
    "ChallengeSubmitted",
    "CodeRun",
    "ContentChange",
    "ContentPublished",
    "ContentRestored",
    "ContentTakenDown",
    "ContentUnpublished",
    "CourseCompleted",
    "Enrolled",
    "DomainEvent",
    "EventBus",
    "HintRequested",
    "LessonCompleted",
    "LessonStarted",
    "LevelReached",
    "OrganisationMembershipChanged",
    "ProjectSaved",
    "QuizPassed",
    "QuizSubmitted",
    "RecordingPublished",
    "RecordingUnpublished",
    "ReportDownloaded",
    "ReportExported",
    "ReportResolved",
    "XpAwarded",
    "bus",
    "event_from_payload",
]
