import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tutor.curriculum.export import curriculum_export
from tutor.curriculum.validation import curriculum_problems


class Command(BaseCommand):
    help = (
        "Write every published course as one curriculum document (JSON, "
        "tutor/schema/curriculum.schema.json). Reference solutions and hidden tests go "
        "under each challenge's `private` key; --public-only leaves them out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of standard output.")
        parser.add_argument(
            "--course",
            type=int,
            action="append",
            dest="courses",
            metavar="ID",
            help="Only this course (repeatable).",
        )
        parser.add_argument(
            "--public-only", action="store_true", help="Leave out reference solutions and hidden tests."
        )

    def handle(self, *args, output=None, courses=None, public_only=False, **options):
        document = curriculum_export(course_ids=courses, include_private=not public_only)
        problems = curriculum_problems(document)
        if problems:  # our own export must always pass our own schema
            raise CommandError("The export does not match the schema:\n" + "\n".join(map(str, problems)))
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            lessons = sum(len(m["lessons"]) for c in document["courses"] for m in c["modules"])
            self.stderr.write(f"Wrote {len(document['courses'])} course(s), {lessons} lesson(s) to {output}")
        else:
            sys.stdout.write(text)
