from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.models import Schedule

# Every recurring job of the project, declared here and nowhere else.
SCHEDULES = [
    {
        "name": "worker-heartbeat",
        "func": "site_config.jobs.heartbeat",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "accounts-housekeeping",
        "func": "learning.accounts.tasks.housekeeping",
        "schedule_type": Schedule.DAILY,
    },
    {
        # The audit log's retention purge (AUDIT_RETENTION_DAYS), itself audited.
        "name": "audit-purge",
        "func": "learning.audit.tasks.purge",
        "schedule_type": Schedule.DAILY,
    },
    {
        # Wagtail's scheduled publishing (go-live / expiry dates set in the editor).
        "name": "cms-publish-scheduled",
        "func": "cms.tasks.publish_scheduled",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        # Resumable video uploads nobody finished (RECORDING_UPLOAD_ABANDON_HOURS).
        "name": "recordings-uploads-cleanup",
        "func": "learning.recordings.tasks.recording_uploads_cleanup",
        "schedule_type": Schedule.HOURLY,
    },
    {
        # Notification deliveries due for a retry (backoff) or whose job was lost.
        "name": "notifications-retry-due",
        "func": "learning.notifications.tasks.deliveries_retry_due",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        # Scheduled announcements whose time has come start their fan-out.
        "name": "announcements-start-due",
        "func": "learning.notifications.announcements.tasks.announcements_start_due",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        # Analytics rollups: recompute the days the ingest marked dirty (docs/analytics.md#rollups).
        "name": "analytics-rollups-update",
        "func": "learning.analytics.rollups.tasks.rollups_update",
        "schedule_type": Schedule.MINUTES,
        "minutes": settings.ANALYTICS_ROLLUP_EVERY_MINUTES,
    },
]


class Command(BaseCommand):
    help = "Create or update the project's recurring django-q2 jobs (idempotent)."

    def handle(self, *args, **options):
        for spec in SCHEDULES:
            defaults = {k: v for k, v in spec.items() if k != "name"} | {"repeats": -1}
            _, created = Schedule.objects.update_or_create(name=spec["name"], defaults=defaults)
            self.stdout.write(f"{'created' if created else 'updated'} schedule {spec['name']}")
