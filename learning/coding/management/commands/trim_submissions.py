"""`manage.py trim_submissions`: apply the submission retention to every learner and
challenge at once (the newest SUBMISSION_KEEP submissions plus the best are kept).

Each new submission already trims its learner's submissions to that challenge; this is
for rows stored before the retention existed, or after SUBMISSION_KEEP was lowered.
"""

from django.core.management.base import BaseCommand

from learning.coding import services


class Command(BaseCommand):
    help = "Delete submissions beyond SUBMISSION_KEEP per learner per challenge (the best is kept)."

    def handle(self, *args, **options):
        removed = services.submissions_trim_all()
        self.stdout.write(f"{removed} submissions removed.")
