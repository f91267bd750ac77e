import sys
import time

from django.core.management.base import BaseCommand, CommandError

from tutor.curriculum.validation import CurriculumInvalid, curriculum_load
from tutor.indexing import Progress, index_build
from tutor.models import IndexVersion


class _RichProgress(Progress):
    """A progress bar when the output is a terminal (rich), else one line per step."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.bar = None
        self.task = None
        self.done = 0
        self.total = 0

    def start(self, total: int, *, reused: int) -> None:
        self.total = total
        if reused:
            self.stdout.write(f"    {reused} passages unchanged (embeddings reused)")
        if sys.stdout.isatty() and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("    embedding"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("embedding", total=total)
        else:
            self.stdout.write(f"    embedding {total} passages (all-MiniLM-L6-v2, CPU, offline)")

    def advance(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(self.task, advance=n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class Command(BaseCommand):
    help = (
        "Build the tutor's search index from every published course (or from a curriculum "
        "file) and make it the active version. Embeds offline; unchanged passages keep "
        "their embeddings. See docs/tutor.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            metavar="FILE",
            help="A curriculum document (manage.py export_curriculum) instead of the published content.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=0,
            help="CPU threads for embedding (default: TUTOR_TORCH_THREADS).",
        )
        parser.add_argument(
            "--no-reuse", action="store_true", help="Embed every passage again, even unchanged ones."
        )

    def handle(self, *args, source=None, threads=0, no_reuse=False, **options):
        started = time.perf_counter()
        if threads:
            from tutor.embedding import document_embedder, torch_threads

            document_embedder()  # loads the model (which applies TUTOR_TORCH_THREADS) first
            torch_threads(threads)
        if source:
            try:
                document = curriculum_load(source)
            except CurriculumInvalid as exc:
                raise CommandError(f"{source} is not a valid curriculum:\n{exc}") from None
            kind = IndexVersion.Kind.FILE
        else:
            from tutor.curriculum.export import curriculum_export

            document = curriculum_export(include_private=False)
            kind = IndexVersion.Kind.FULL
        courses = len(document["courses"])
        self.stdout.write(f"Tutor index: {courses} course(s) from {source or 'the published content'}")
        progress = _RichProgress(self.stdout)
        try:
            row = index_build(document=document, kind=kind, progress=progress, reuse=not no_reuse)
        finally:
            progress.stop()
        self.stdout.write(
            self.style.SUCCESS(
                f"Tutor index {row.version} active: {row.chunk_count} passages "
                f"({row.embedded_count} embedded) in {time.perf_counter() - started:.1f} s"
            )
        )
