import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cms.services import course_import
from learning.accounts.selectors import user_get_by_email


class Command(BaseCommand):
    help = (
        "Import a whole course from one JSON document (see docs/course-import.md) as draft "
        "revisions by --user; --submit sends every page to the Course review workflow."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Email of the teacher or admin who authors it")
        parser.add_argument("--submit", action="store_true", help="Submit the course for review")

    def handle(self, *args, file: Path, user: str, submit: bool, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        author = user_get_by_email(email=user)  # the one email rule: look-alikes find no one
        if author is None:
            raise CommandError(f"No user {user!r}.")
        try:
            course = course_import(user=author, document=document, submit=submit)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Invalid course document: {problems}") from exc
        state = "submitted for review" if submit else "saved as a draft"
        self.stdout.write(self.style.SUCCESS(f"Imported '{course.title}' (page id {course.pk}), {state}."))
        for warning in getattr(course, "import_warnings", ()):
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
