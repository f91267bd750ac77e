"""Demo users: one per role. Passwords are printed only when DEBUG is on (dev)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import Role

DEMO_USERS = [
    ("student@mrict.local", Role.STUDENT, "Sam Student"),
    ("teacher@mrict.local", Role.TEACHER, "Tess Teacher"),
    ("admin@mrict.local", Role.ADMIN, "Ada Admin"),
]


def load() -> list[str]:
    """Idempotent: existing demo users are brought back to their demo state (role,
    verified email, demo password) without duplicates."""
    User = get_user_model()
    lines = []
    for email, role, name in DEMO_USERS:
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        user.display_name = user.display_name or name
        user.email_verified = True
        user.is_active = True
        if role == Role.ADMIN:
            # A superuser too, so every part of the Wagtail editor opens for the demo.
            user.is_staff = True
            user.is_superuser = True
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        secret = f" / password: {settings.DEMO_PASSWORD}" if settings.DEBUG else ""
        lines.append(f"{role.label}: {email}{secret}")
    if not settings.DEBUG:
        lines.append("Passwords are not printed outside DEBUG; they are settings.DEMO_PASSWORD.")
    return lines
