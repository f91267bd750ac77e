import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute every analytics rollup from the raw events (docs/analytics.md#rollups)."

    def handle(self, *args, **options):
        from learning.analytics.rollups.services import rollups_rebuild

        began = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - began:7.1f}s] {message}")
            self.stdout.flush()

        result = rollups_rebuild(progress=progress)
        if result["first_day"] is None:
            self.stdout.write("no events: the rollups are empty")
        self.stdout.write(
            self.style.SUCCESS(
                f"rebuilt {result['rows']} rollup rows ({result['first_day']}..{result['last_day']}) "
                f"in {time.monotonic() - began:.1f}s"
            )
        )
