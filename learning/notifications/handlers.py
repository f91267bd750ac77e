"""Domain events become notifications. Subscribed in apps.py as django-q2 jobs (the
bus delivers them after the publisher's commit; a job rebuilds the typed event), so a
slow fan-out never holds the request that published. Each handler passes a `key`, so a
job that runs twice notifies once."""

from django.conf import settings

from learning.events import (
    BadgeAwarded,
    CertificateIssued,
    ContentRestored,
    ContentTakenDown,
    LevelReached,
    QuizSubmitted,
    RecordingPublished,
    ReportResolved,
    bus,
)

from .services import Link, notify

HANDLERS = {
    BadgeAwarded: "learning.notifications.handlers.on_badge_awarded",
    CertificateIssued: "learning.notifications.handlers.on_certificate_issued",
    LevelReached: "learning.notifications.handlers.on_level_reached",
    QuizSubmitted: "learning.notifications.handlers.on_quiz_submitted",
    RecordingPublished: "learning.notifications.handlers.on_recording_published",
    ReportResolved: "learning.notifications.handlers.on_report_resolved",
    ContentTakenDown: "learning.notifications.handlers.on_content_taken_down",
    ContentRestored: "learning.notifications.handlers.on_content_restored",
}


def subscribe() -> None:
    for event_type, handler in HANDLERS.items():
        bus.subscribe(event_type, handler, job=True)


def _page_title(page_id: int | None) -> str:
    from wagtail.models import Page

    if page_id is None:
        return ""
    return Page.objects.filter(pk=page_id).values_list("title", flat=True).first() or ""


def on_badge_awarded(event: BadgeAwarded) -> None:
    name = event.badge_slug.replace("-", " ").replace("_", " ").strip() or "a"
    notify(
        recipients=[event.user_id],
        type="badge_awarded",
        title=f"You earned the {name} badge",
        link=Link("badge", event.badge_id),
        key=f"badge_awarded:{event.award_id}",
    )


def on_certificate_issued(event: CertificateIssued) -> None:
    course = _page_title(event.course_id)
    notify(
        recipients=[event.user_id],
        type="certificate_issued",
        title=f"Your certificate for {course} is ready" if course else "Your certificate is ready",
        body=f"Certificate {event.serial}.",
        link=Link("certificate", event.certificate_id),
        key=f"certificate_issued:{event.certificate_id}:{event.serial}"[:120],
    )


def on_level_reached(event: LevelReached) -> None:
    notify(
        recipients=[event.user_id],
        type="level_reached",
        title=f"You reached level {event.level}",
        key=f"level_reached:{event.level}",
    )


def on_quiz_submitted(event: QuizSubmitted) -> None:
    """ "Quiz graded": the attempt's score (and whether it passes, when the quiz says)."""
    quiz = _page_title(event.quiz_id) or "your quiz"
    verdict = {True: " (passed)", False: " (not passed yet)", None: ""}[event.passed]
    notify(
        recipients=[event.user_id],
        type="quiz_graded",
        title=f"{quiz}: {event.score:g} / {event.max_score:g}{verdict}"[:200],
        link=Link("quiz", event.quiz_id),
        key=f"quiz_graded:{event.attempt_id}" if event.attempt_id is not None else "",
    )


def on_recording_published(event: RecordingPublished) -> None:
    """Every active learner of the course, read in keyset batches (never the whole list
    in memory, never a query per learner)."""
    from learning.progress.models import Enrollment
    from learning.recordings.models import Recording

    title = Recording.objects.filter(pk=event.recording_id).values_list("title", flat=True).first()
    if title is None:  # deleted meanwhile
        return
    course = _page_title(event.course_id)
    learners = Enrollment.objects.filter(course_id=event.course_id, active=True)
    batch = settings.NOTIFICATIONS_BATCH_SIZE
    last = 0
    while user_ids := list(
        learners.filter(user_id__gt=last).order_by("user_id").values_list("user_id", flat=True)[:batch]
    ):
        notify(
            recipients=user_ids,
            type="recording_published",
            title=f"New recording: {title}"[:200],
            body=f"In {course}." if course else "",
            link=Link("recording", event.recording_id),
            key=f"recording_published:{event.recording_id}",
        )
        last = user_ids[-1]


# --- moderation (learning/moderation, docs/moderation.md) ---

_CONTENT_NAMES = {"project": "shared project", "profile": "public profile"}


def _moderation_case(case_id: int):
    from django.apps import apps

    if not apps.is_installed("learning.moderation"):
        return None
    return apps.get_model("moderation", "ModerationCase").objects.filter(pk=case_id).first()


def _content_name(kind: str, case) -> str:
    what = _CONTENT_NAMES.get(kind, "content")
    label = (case.label if case is not None else "").strip()
    return f'{what} "{label}"' if label and kind == "project" else what


def on_report_resolved(event: ReportResolved) -> None:
    """The reporter is told what became of the report."""
    case = _moderation_case(event.case_id)
    what = _content_name(event.kind, case)
    if event.outcome == "taken_down":
        title, body = f"Thanks: the {what} you reported was taken down", ""
    else:
        title = f"Your report of a {what} was reviewed"
        body = "A moderator found nothing to take down."
    notify(
        recipients=[event.reporter_id],
        type="report_resolved",
        title=title[:200],
        body=body,
        key=f"report_resolved:{event.report_id}",
    )


def on_content_taken_down(event: ContentTakenDown) -> None:
    """The owner is told the content was taken down, and why."""
    if event.owner_id is None:
        return
    case = _moderation_case(event.case_id)
    what = _content_name(event.kind, case)
    reason = case.get_takedown_reason_display() if case is not None else event.reason
    comment = (case.takedown_comment if case is not None else "").strip()
    notify(
        recipients=[event.owner_id],
        type="content_moderated",
        title=f"Your {what} was taken down by a moderator"[:200],
        body=f"Reason: {reason}." + (f" {comment}" if comment else ""),
        key=f"content_taken_down:{event.case_id}:{event.occurred_at.isoformat()}"[:120],
    )


def on_content_restored(event: ContentRestored) -> None:
    if event.owner_id is None:
        return
    what = _content_name(event.kind, _moderation_case(event.case_id))
    notify(
        recipients=[event.owner_id],
        type="content_moderated",
        title=f"Your {what} is visible again"[:200],
        body="A moderator restored it.",
        key=f"content_restored:{event.case_id}:{event.occurred_at.isoformat()}"[:120],
    )
