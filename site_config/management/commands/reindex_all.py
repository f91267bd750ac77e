import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from site_config.reindex import reindex_all, step_label


class _Lines:
    """One line per tenth of a step (and its end) with the counts; a terminal gets the
    same lines, so a log keeps them."""

    def __init__(self, stdout, prefix: str):
        self.stdout, self.prefix = stdout, prefix
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = 10 if total == 0 else (10 * done) // total
        if tenth == self.shown:
            return
        self.shown = tenth
        bar = "#" * tenth + "." * (10 - tenth)
        self.stdout.write(f"{self.prefix} [{bar}] {done}/{total}")
        self.stdout.flush()


class Command(BaseCommand):
    help = (
        "Rebuild every derived store: the search index, the content cache, the tutor "
        "index and any REINDEX_EXTRA_STEPS (docs/operations.md). Safe while serving."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--step",
            action="append",
            dest="steps",
            metavar="DOTTED",
            help="Only this step (a REINDEX_STEPS entry); repeat for several.",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the rebuild as a job on the heavy queue instead of running it here.",
        )

    def handle(self, *args, steps=None, queue=False, **options):
        steps = steps or list(settings.REINDEX_STEPS)
        unknown = [s for s in steps if s not in settings.REINDEX_STEPS]
        if unknown:
            raise CommandError(
                f"not a reindex step: {', '.join(unknown)}; known: {', '.join(settings.REINDEX_STEPS)}"
            )
        if queue:
            from site_config.jobs import enqueue

            task_id = enqueue(
                "site_config.maintenance.tasks.reindex_all", steps, queue="heavy", task_name="reindex-all"
            )
            self.stdout.write(f"reindex queued on the heavy queue (task {task_id})")
            return
        count = len(steps)

        def progress_for(dotted: str):
            index = steps.index(dotted) + 1
            self.stdout.write(f"[{index}/{count}] {step_label(dotted)}")
            return _Lines(self.stdout, f"[{index}/{count}]")

        try:
            results = reindex_all(steps=steps, progress_for=progress_for)
        except Exception as exc:
            raise CommandError(f"reindex stopped: {exc.__class__.__name__}: {exc}") from exc
        for result in results:
            self.stdout.write(f"  {step_label(result.step)}: {result.count} in {result.seconds:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Reindexed {len(results)} store(s)."))
        sys.stdout.flush()
