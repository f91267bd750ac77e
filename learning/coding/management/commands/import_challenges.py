"""`manage.py import_challenges FILE.json --as EMAIL`: create or update challenges from JSON.

The file holds a list (or {"challenges": [...]}) of objects with lesson_id, slug (the
import key; default: the title's), title, prompt, starter_source, reference_solution and
tests [{description, kind, code | input + expected_output, hidden}] — the same shape as
POST /api/v1/teacher/challenges/import/ (docs/challenges.md). The user named by --as
must be allowed to edit each lesson's course. Every reference solution must pass all its
tests in the sandbox first; a starter code that already passes them is a warning. All or
nothing; importing the same file again updates the challenges instead of adding copies.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from learning.accounts.selectors import user_get_by_email
from learning.coding import services


class Command(BaseCommand):
    help = "Import coding challenges from a JSON file (each reference solution must pass its tests)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--as", dest="email", required=True, help="email of the teacher or admin importing"
        )

    def handle(self, *args, path, email, **options):
        user = user_get_by_email(email=email)
        if user is None:
            raise CommandError(f"No user {email}")
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        items = data.get("challenges") if isinstance(data, dict) else data
        try:
            imported = services.challenge_import(user=user, items=items)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Invalid challenges, nothing imported: {problems}") from exc
        except (services.SandboxBusyError, services.SandboxDownError, services.SandboxCrashLimitError) as exc:
            raise CommandError(
                f"The sandbox could not check the challenges, nothing imported: {exc}"
            ) from exc
        for row in imported:
            action = "created" if row.created else "updated"
            self.stdout.write(
                f"{action} challenge {row.challenge.pk} ({row.challenge.slug}): {row.challenge.title}"
            )
            for warning in row.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
