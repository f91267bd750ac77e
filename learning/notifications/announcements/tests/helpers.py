"""Announcement test helpers: many users at once, and the URLs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

AUTHOR = "/api/v1/teacher/announcements/"
LEARNER = "/api/v1/announcements/"


def author_url(announcement_id: int, action: str = "") -> str:
    return f"{AUTHOR}{announcement_id}/" + (f"{action}/" if action else "")


def bulk_students(count: int, *, prefix: str = "crowd") -> list[int]:
    """`count` active, verified students in a few bulk INSERTs (no password hashing);
    returns their ids."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n}@example.test",
                username=f"{prefix}{n}@example.test",
                email_verified=True,
                password="!",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    ids = list(User.objects.filter(email__startswith=prefix).values_list("pk", flat=True))
    group = Group.objects.get_or_create(name="student")[0]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=group.pk) for pk in ids], batch_size=2000
    )
    assert len(users) == len(ids) == count
    return ids
