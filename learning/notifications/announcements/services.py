"""Every state change of announcements: create, edit, send (now or at its time),
cancel, delete, and the fan-out job's body.

    draft --send--> scheduled --(its time: announcements_start_due)--> sending --> sent
      |  \\--send (no time, or a past one)--------------------------->/
      \\------ cancel (draft, scheduled or sending) --> cancelled

Who may do what: admins any announcement; teachers only announcements for the learners
of a course they may edit (the target must be that course). Rules raise Django's
ValidationError with the field; a transition the status does not allow raises
AnnouncementStateError (409)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from learning.accounts.roles import Role, user_has_role

from .models import Announcement
from .selectors import audience

log = logging.getLogger("mrict.announcements")

FAN_OUT_TASK = "learning.notifications.announcements.tasks.announcement_fan_out"
EDITABLE = (Announcement.Status.DRAFT, Announcement.Status.SCHEDULED)
CANCELLABLE = (Announcement.Status.DRAFT, Announcement.Status.SCHEDULED, Announcement.Status.SENDING)
DELETABLE = (Announcement.Status.DRAFT, Announcement.Status.CANCELLED)
FIELDS = ("title", "body", "target", "role", "course", "organisation", "channels", "scheduled_at")


class AnnouncementStateError(Exception):
    """The announcement's status does not allow this (e.g. editing a sent one)."""


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def announcement_channels() -> list[str]:
    """The channels an announcement may use: the notification core's registered ones."""
    from learning.notifications.channels import channel_names

    return channel_names()


def announcement_validate(*, user, data: dict) -> dict:
    """The announcement's fields, checked and normalised for `user` (the author or
    editor): the target's own field set and the others cleared, a teacher limited to a
    course they may edit, channels among the registered ones, a schedule time ahead but
    not too far."""
    data = {name: data.get(name) for name in FIELDS}
    title = (data["title"] or "").strip()
    if not title:
        raise _error("title", "An announcement needs a title.", "required")
    data["title"] = title[:200]
    body = (data["body"] or "").strip()
    if not body:
        raise _error("body", "An announcement needs a body.", "required")
    if len(body) > settings.ANNOUNCEMENT_BODY_MAX_CHARS:
        raise _error("body", f"At most {settings.ANNOUNCEMENT_BODY_MAX_CHARS} characters.", "max_length")
    data["body"] = body
    target = data["target"]
    if target not in Announcement.Target.values:
        raise _error("target", "Choose all, role, course or organisation.", "invalid_choice")
    is_admin = user_has_role(user, Role.ADMIN)
    if not is_admin and target != Announcement.Target.COURSE:
        raise _error(
            "target", "Teachers announce to the learners of their own courses only.", "target_not_allowed"
        )
    if target == Announcement.Target.ROLE:
        if data["role"] not in Role.values:
            raise _error("role", "Choose a role: student, teacher or admin.", "required")
    else:
        data["role"] = ""
    if target == Announcement.Target.COURSE:
        course = _course_allowed(user=user, course=data["course"])
        if course is None:
            raise _error("course", "No such course among the courses you may edit.", "does_not_exist")
        data["course"] = course
    else:
        data["course"] = None
    if target == Announcement.Target.ORGANISATION:
        # Admins only (teachers were refused above): a teacher's reach is the learners of
        # the courses they may edit, and an organisation is not one of their courses.
        organisation = _organisation(data["organisation"])
        if organisation is None:
            raise _error("organisation", "No such organisation.", "does_not_exist")
        data["organisation"] = organisation
    else:
        data["organisation"] = None
    channels = list(dict.fromkeys(data["channels"] or []))
    available = announcement_channels()
    if not channels or any(channel not in available for channel in channels):
        raise _error("channels", f"Choose one or more of: {', '.join(available)}.", "invalid_choice")
    data["channels"] = channels
    when = data["scheduled_at"]
    if when is not None:
        now = timezone.now()
        if when <= now:
            raise _error("scheduled_at", "A schedule time must be in the future.", "in_past")
        if when > now + timedelta(days=settings.ANNOUNCEMENT_MAX_SCHEDULE_DAYS):
            raise _error(
                "scheduled_at",
                f"At most {settings.ANNOUNCEMENT_MAX_SCHEDULE_DAYS} days ahead.",
                "too_far",
            )
    return data


def _course_allowed(*, user, course):
    """The course (given as a page or an id) when the user may edit it, else None."""
    from cms.selectors import courses_editable_by

    course_id = getattr(course, "pk", course)
    if course_id is None:
        return None
    return courses_editable_by(user=user).filter(pk=course_id).first()


def _organisation(organisation):
    """The organisation (given as an instance or an id), else None."""
    from learning.accounts.models import Organisation

    organisation_id = getattr(organisation, "pk", organisation)
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).first()


def announcement_create(*, author, **fields) -> Announcement:
    data = announcement_validate(user=author, data=fields)
    return Announcement.objects.create(author=author, **data)


def announcement_update(*, user, announcement: Announcement, **changes) -> Announcement:
    """Edit a draft or scheduled announcement (a scheduled one stays scheduled)."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status not in EDITABLE:
            raise AnnouncementStateError(f"A {announcement.status} announcement cannot be edited.")
        current = {name: getattr(announcement, name) for name in FIELDS}
        scheduled_before = announcement.scheduled_at
        data = current | changes
        if (
            "scheduled_at" not in changes
            and scheduled_before is not None
            and scheduled_before <= timezone.now()
        ):
            data["scheduled_at"] = None  # due already: the sweep will start it anyway
        data = announcement_validate(user=user, data=data)
        for name, value in data.items():
            setattr(announcement, name, value)
        if announcement.status == Announcement.Status.SCHEDULED and announcement.scheduled_at is None:
            announcement.status = Announcement.Status.DRAFT
        announcement.save()
    return announcement


def announcement_send(*, user, announcement: Announcement) -> Announcement:
    """Send a draft: at its `scheduled_at` when that is ahead (status `scheduled`), else
    now (status `sending`, the fan-out job queued after commit)."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.DRAFT:
            raise AnnouncementStateError(f"Only a draft can be sent; this one is {announcement.status}.")
        # The author's rights are checked again with the sender's (an admin may send a
        # teacher's draft; a teacher who lost the course may not send it).
        rights = {name: getattr(announcement, name) for name in FIELDS} | {"scheduled_at": None}
        announcement_validate(user=user, data=rights)  # a time now past means "send now"
        announcement.sent_by = user
        if announcement.scheduled_at is not None and announcement.scheduled_at > timezone.now():
            announcement.status = Announcement.Status.SCHEDULED
            announcement.save(update_fields=["status", "sent_by", "updated_at"])
        else:
            _start(announcement)
    return announcement


def _start(announcement: Announcement) -> None:
    """Inside the caller's transaction, on a locked row: `sending`, the audience counted,
    the job queued after commit."""
    announcement.status = Announcement.Status.SENDING
    announcement.started_at = timezone.now()
    announcement.recipient_count = audience(announcement).count()
    announcement.save(update_fields=["status", "started_at", "recipient_count", "sent_by", "updated_at"])
    announcement_id = announcement.pk
    transaction.on_commit(lambda: _enqueue(announcement_id), robust=True)


def _enqueue(announcement_id: int) -> None:
    from django_q.tasks import async_task

    async_task(FAN_OUT_TASK, announcement_id, task_name=f"announcement:{announcement_id}", save=False)


def announcement_cancel(*, announcement: Announcement) -> Announcement:
    """Cancel a draft, a scheduled announcement or one still sending (its remaining
    batches are not sent; the notifications already created stay)."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status not in CANCELLABLE:
            raise AnnouncementStateError(f"A {announcement.status} announcement cannot be cancelled.")
        announcement.status = Announcement.Status.CANCELLED
        announcement.cancelled_at = timezone.now()
        announcement.save(update_fields=["status", "cancelled_at", "updated_at"])
    return announcement


def announcement_delete(*, announcement: Announcement) -> None:
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status not in DELETABLE:
            raise AnnouncementStateError(
                f"A {announcement.status} announcement cannot be deleted (cancel it first, or keep it "
                "as the record of what was sent)."
            )
        announcement.delete()


def announcements_start_due() -> int:
    """The schedule's sweep (every minute): start every scheduled announcement whose
    time has come. Returns how many it started."""
    started = 0
    due = Announcement.objects.filter(status=Announcement.Status.SCHEDULED, scheduled_at__lte=timezone.now())
    for announcement_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            announcement = (
                Announcement.objects.select_for_update(skip_locked=True)
                .filter(pk=announcement_id, status=Announcement.Status.SCHEDULED)
                .first()
            )
            if announcement is not None:
                _start(announcement)
                started += 1
    return started


# --- the fan-out (the job) -------------------------------------------------------------------


def announcement_fan_out(*, announcement_id: int) -> str:
    """Job body: notify the audience batch by batch (ANNOUNCEMENT_BATCH_SIZE users in
    ascending id after the cursor; one transaction per batch, a fixed number of queries
    each, notifications and deliveries bulk-inserted by the notification core). After
    ANNOUNCEMENT_BATCHES_PER_JOB batches the job queues its own continuation. Stops when
    the announcement is no longer `sending` (cancelled). Returns the status it left."""
    for _ in range(settings.ANNOUNCEMENT_BATCHES_PER_JOB):
        status = _fan_out_batch(announcement_id)
        if status != Announcement.Status.SENDING:
            return status
    transaction.on_commit(lambda: _enqueue(announcement_id), robust=True)
    return Announcement.Status.SENDING


def _fan_out_batch(announcement_id: int) -> str:
    from learning.notifications.services.notify import Link, notify

    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None:
            return Announcement.Status.CANCELLED  # deleted meanwhile
        if announcement.status != Announcement.Status.SENDING:
            return announcement.status
        batch = list(
            audience(announcement)
            .filter(pk__gt=announcement.cursor)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.ANNOUNCEMENT_BATCH_SIZE]
        )
        if not batch:
            announcement.status = Announcement.Status.SENT
            announcement.finished_at = timezone.now()
            announcement.save(update_fields=["status", "finished_at", "updated_at"])
            log.info("announcement sent", extra={"announcement_id": announcement_id})
            return announcement.status
        available = set(announcement_channels())
        result = notify(
            recipients=batch,
            type="announcement",
            title=announcement.title,
            body=announcement.body,
            link=Link(kind="announcement", id=announcement.pk),
            channels=[c for c in announcement.channels if c in available],
            key=announcement.key,
        )
        announcement.cursor = batch[-1]
        announcement.processed_count += len(batch)
        announcement.notified_count += result.notifications
        announcement.in_app_count += result.in_app
        deliveries = dict(announcement.deliveries or {})
        for channel, count in result.deliveries.items():
            deliveries[channel] = deliveries.get(channel, 0) + count
        announcement.deliveries = deliveries
        announcement.save(
            update_fields=[
                "cursor",
                "processed_count",
                "notified_count",
                "in_app_count",
                "deliveries",
                "updated_at",
            ]
        )
    return Announcement.Status.SENDING
