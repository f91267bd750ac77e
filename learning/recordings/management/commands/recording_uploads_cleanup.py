"""`manage.py recording_uploads_cleanup [--hours N]`: drop resumable video uploads nobody
finished (the hourly job's work, now; docs/recordings.md "Abandoned uploads")."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from learning.recordings import services


class Command(BaseCommand):
    help = "Drop video uploads with no new part for RECORDING_UPLOAD_ABANDON_HOURS, and orphan partial files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="Hours without a new part (default: RECORDING_UPLOAD_ABANDON_HOURS).",
        )

    def handle(self, *args, hours=None, **options):
        if hours is not None and hours < 1:
            raise CommandError("--hours must be at least 1.")
        older_than = timedelta(hours=hours) if hours is not None else None
        cleaned = services.recording_uploads_cleanup(older_than=older_than)
        for recording_id in cleaned.recordings:
            self.stdout.write(f"recording {recording_id}: abandoned upload dropped")
        self.stdout.write(
            f"{len(cleaned.recordings)} abandoned uploads dropped, {len(cleaned.files)} files removed."
        )
