"""Notifications (issue 18): the reads a front end makes on every page view, the
unread badge (one COUNT over the partial inbox index) and the first inbox page, for a
student with 5,000 notifications (1,000 unread) in a table of 45,000 rows. Compare
each row's share of the ceiling measured in the same run."""

from __future__ import annotations

from scenarios import Context, Scenario

OWN, UNREAD, OTHERS, PER_OTHER = 5_000, 1_000, 200, 200


def inbox_of_student(ctx: Context) -> None:
    if ctx.data.get("notifications_ready"):
        return
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learning.notifications.models import Notification
    from learning.notifications.services import notify

    users = get_user_model().objects
    student = users.get(email="student@mrict.local")
    if (
        Notification.objects.filter(recipient=student, type="admin_message", key__startswith="bench-").count()
        < OWN
    ):
        Notification.objects.filter(recipient=student).delete()
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=student,
                    type="admin_message",
                    title=f"Bench notification {i}",
                    body="Something happened.",
                    target_kind="course",
                    target_id=1,
                    key=f"bench-{i}",
                    created_at=now - timedelta(minutes=OWN - i),
                    read_at=None if i >= OWN - UNREAD else now,
                )
                for i in range(OWN)
            ],
            batch_size=1000,
        )
    # Other learners' rows, so the index has neighbours (made through notify()).
    others = list(users.filter(email__startswith="bench-notify-").values_list("pk", flat=True))
    if len(others) < OTHERS:
        users.bulk_create(
            [
                users.model(email=f"bench-notify-{i}@example.test", username=f"bench-notify-{i}")
                for i in range(len(others), OTHERS)
            ]
        )
        others = list(users.filter(email__startswith="bench-notify-").values_list("pk", flat=True))
        for i in range(PER_OTHER):
            notify(recipients=others, type="admin_message", title=f"Bench {i}", channels=["in_app"])
    ctx.data["notifications_ready"] = True


SCENARIOS = [
    Scenario(
        "notifications: unread count",
        "/api/v1/notifications/unread-count/",
        user="student",
        setup=inbox_of_student,
        tags=("notifications",),
    ),
    Scenario(
        "notifications: my inbox (first page of 20)",
        "/api/v1/notifications/",
        user="student",
        setup=inbox_of_student,
        tags=("notifications",),
    ),
    Scenario(
        "notifications: my unread (first page of 20)",
        "/api/v1/notifications/?unread=true",
        user="student",
        setup=inbox_of_student,
        tags=("notifications",),
    ),
]
