from django.core.management.base import BaseCommand, CommandError

from learning.analytics.xapi.services import xapi_enabled, xapi_forward


class Command(BaseCommand):
    help = (
        "Forward analytics events to the Learning Record Store now, until the store is drained "
        "(docs/analytics.md#forwarding-to-a-learning-record-store-xapi)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-seconds", type=float, default=None, help="stop starting batches after this long"
        )

    def handle(self, *args, max_seconds=None, **options):
        if not xapi_enabled():
            raise CommandError("ANALYTICS_XAPI_ENDPOINT is not set: forwarding is off.")

        def progress(report):
            self.stdout.write(
                f"batch {report.batches}: {report.delivered} delivered, {report.dead_lettered} dead-lettered"
            )

        report = xapi_forward(max_seconds=max_seconds, progress=progress)
        if report.busy:
            raise CommandError("Another forwarding run holds the lease; try again when it ends.")
        if report.retried_delivered or report.retried_refused:
            retried = f"{report.retried_delivered} delivered, {report.retried_refused} refused again"
            self.stdout.write(f"dead-letter retries: {retried}")
        summary = f"{report.delivered} delivered, {report.dead_lettered} dead-lettered"
        summary += f" in {report.batches} batch(es)"
        if report.error:
            raise CommandError(
                f"Stopped: {report.error} ({summary}); the next run starts from the same place."
            )
        self.stdout.write(self.style.SUCCESS(f"{'Drained' if report.drained else 'Time is up'}: {summary}."))
