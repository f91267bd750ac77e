from django.core.management.base import BaseCommand, CommandError

from tutor.curriculum.validation import CurriculumInvalid, curriculum_load


class Command(BaseCommand):
    help = (
        "Check a curriculum document against tutor/schema/curriculum.schema.json; "
        "each problem names its JSON path."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        try:
            document = curriculum_load(file)
        except CurriculumInvalid as exc:
            count = len(exc.problems)
            raise CommandError(f"{file}: {count} problem{'s' if count != 1 else ''}\n{exc}") from None
        lessons = sum(len(m["lessons"]) for c in document["courses"] for m in c["modules"])
        self.stdout.write(
            self.style.SUCCESS(f"{file}: valid ({len(document['courses'])} course(s), {lessons} lesson(s))")
        )
