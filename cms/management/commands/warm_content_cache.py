"""Render every published course (outline, lessons) and the catalog's first page into
the content cache, e.g. after a deploy or a Redis restart. Idempotent: what is already
warm under the current versions is left as it is."""

from django.core.management.base import BaseCommand
from rich.progress import Progress


class Command(BaseCommand):
    help = "Warm the content cache: every published course, its lessons and the catalog."

    def handle(self, *args, **options):
        from cms.content_cache import handlers, store

        if not store.enabled():
            self.stdout.write("The content cache is off (CONTENT_CACHE_SECONDS=0): nothing to warm.")
            return
        total = handlers.visible_courses_count()
        with Progress(transient=not self.stdout.isatty()) as progress:
            task = progress.add_task("warming courses", total=total)
            count = handlers.warm_all(progress=lambda course: progress.advance(task))
        self.stdout.write(self.style.SUCCESS(f"Warm: {count} responses for {total} published courses."))
