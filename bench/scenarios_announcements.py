"""Announcements: the broadcast fan-out rate (notifications per second).

Generated data on the bench database, made once and kept: 10,000 learners enrolled in
the demo course. Each run creates an announcement to that course's learners (in-app
channel only: the console mail backend of a bench would print 10,000 mails, and mail
delivery is the notification core's job, timed apart) and times the fan-out job's body
(`announcement_fan_out`: batches of ANNOUNCEMENT_BATCH_SIZE through `notify()`, bulk
inserts, progress stored per batch) in this process against PostgreSQL, as a qcluster
worker runs it. Three runs; each run's notifications are deleted afterwards.
"""

from __future__ import annotations

import time

from scenarios import Context, Scenario

LEARNERS = 10_000
PREFIX = "bench-announce-"


def _course():
    """The demo course with LEARNERS generated learners enrolled, made once."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from cms.models import CoursePage
    from learning.progress.models import Enrollment

    User = get_user_model()
    course = CoursePage.objects.live().order_by("path").first()
    enrolled = Enrollment.objects.filter(course=course, user__email__startswith=PREFIX, active=True).count()
    if enrolled == LEARNERS:
        return course
    started = time.perf_counter()
    print(f"[bench]   enrolling {LEARNERS:,} generated learners (once)", flush=True)
    with transaction.atomic():
        emails = [f"{PREFIX}{n}@mrict.local" for n in range(LEARNERS)]
        have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [User(email=e, username=e, email_verified=True) for e in emails if e not in have], batch_size=2000
        )
        users = list(User.objects.filter(email__in=emails).values_list("pk", flat=True))
        Group.objects.get_or_create(name="student")[0].user_set.add(*users)
        now = timezone.now()
        Enrollment.objects.bulk_create(
            [Enrollment(user_id=u, course=course, enrolled_at=now) for u in users],
            batch_size=2000,
            ignore_conflicts=True,
        )
    print(f"[bench]   enrolled in {time.perf_counter() - started:.0f} s", flush=True)
    return course


def fan_out_job(ctx: Context, duration: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learning.notifications.announcements.models import Announcement
    from learning.notifications.announcements.selectors import audience
    from learning.notifications.announcements.services import announcement_fan_out
    from learning.notifications.models import Notification

    course = _course()
    admin = get_user_model().objects.get(email="admin@mrict.local")
    # the whole audience in this one call (no continuation job for the cluster to take)
    settings.ANNOUNCEMENT_BATCHES_PER_JOB = 10_000
    times, counts = [], []
    for run in range(3):
        announcement = Announcement.objects.create(
            author=admin,
            title=f"Bench announcement {run + 1}",
            body="The fan-out benchmark.",
            target=Announcement.Target.COURSE,
            course=course,
            channels=["in_app"],
        )
        # what announcement_send does, without queueing the job (this process runs it)
        Announcement.objects.filter(pk=announcement.pk).update(
            status=Announcement.Status.SENDING,
            started_at=timezone.now(),
            recipient_count=audience(announcement).count(),
        )
        t = time.perf_counter()
        status = announcement_fan_out(announcement_id=announcement.pk)
        times.append(time.perf_counter() - t)
        announcement.refresh_from_db()
        if status != "sent" or announcement.notified_count < LEARNERS:
            raise SystemExit(f"fan-out ended {status} with {announcement.notified_count} notified")
        counts.append(announcement.notified_count)
        Notification.objects.filter(key=announcement.key).delete()
        announcement.delete()
    order = sorted(range(3), key=lambda i: times[i])
    p50 = times[order[1]]
    rate = counts[order[1]] / p50
    return {
        "requests": sum(counts),
        "seconds": round(sum(times), 3),
        "rps": rate,
        "p50_ms": p50 * 1000,
        "p95_ms": max(times) * 1000,
        "p99_ms": max(times) * 1000,
        "errors": 0,
        "non2xx": 0,
        "note": (
            f"fan-out of {counts[0]:,} notifications (in-app), batches of "
            f"{settings.ANNOUNCEMENT_BATCH_SIZE}: {rate:,.0f} notifications/s at p50 "
            f"({p50:.2f} s; slowest {max(times):.2f} s)"
        ),
    }


SCENARIOS = [
    Scenario(
        "announcements: broadcast fan-out, 10,000 learners (notifications/s)",
        "/api/v1/ping/",
        runner=fan_out_job,
        tags=("announcements",),
    ),
]
