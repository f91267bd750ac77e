"""The one declaration of every recurring job (docs/operations.md, "Jobs and queues").

Idempotent: run by `make run` and on deploy (docker/entrypoint.sh). Each schedule it
creates is named `mrict:<name>`; a run creates or updates every declared schedule and
deletes the `mrict:` schedules it no longer declares. Schedules made by hand in the
admin (any other name) are never touched.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_q.models import Schedule

from site_config.jobs import HEAVY, LIGHT, cluster_of

PREFIX = "mrict:"

# Every recurring job of the project, declared here and nowhere else. `queue` is the
# job queue (site_config/jobs.py) whose cluster runs it; light when not given.
SCHEDULES = [
    {
        # Each queue's worker proves it is alive (the `jobs` readiness check).
        "name": "heartbeat-light",
        "func": "site_config.jobs.heartbeat",
        "args": repr(LIGHT),
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "heartbeat-heavy",
        "func": "site_config.jobs.heartbeat",
        "args": repr(HEAVY),
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
        "queue": HEAVY,
    },
    {
        # Expired refresh-token records (with their blacklist rows) and dead one-time codes.
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
        # Analytics events still queued (ingest asks for a drain itself; this is the net).
        "name": "analytics-drain",
        "func": "learning.analytics.tasks.drain",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        # Analytics events to the Learning Record Store as xAPI (off without ANALYTICS_XAPI_ENDPOINT).
        "name": "analytics-xapi-forward",
        "func": "learning.analytics.xapi.tasks.xapi_forward",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    # --- maintenance (site_config/maintenance: each logs what it removed) ---
    {
        "name": "maintenance-sessions",
        "func": "site_config.maintenance.tasks.sessions_clear",
        "schedule_type": Schedule.DAILY,
    },
    {
        # Page and snippet revisions beyond REVISIONS_KEEP per object.
        "name": "maintenance-revisions",
        "func": "site_config.maintenance.tasks.revisions_prune",
        "schedule_type": Schedule.DAILY,
    },
    {
        # Files under the media storage that no row references (MEDIA_ORPHAN_GRACE_HOURS).
        "name": "maintenance-media-orphans",
        "func": "site_config.maintenance.tasks.media_orphans_remove",
        "schedule_type": Schedule.DAILY,
        "queue": HEAVY,
    },
    {
        # Failed-job rows older than JOBS_FAILURE_RETENTION_DAYS.
        "name": "maintenance-job-failures",
        "func": "site_config.maintenance.tasks.job_failures_purge",
        "schedule_type": Schedule.DAILY,
    },
    {
        # Report exports past ANALYTICS_EXPORT_RETENTION_HOURS, and their files.
        "name": "analytics-exports-purge",
        "func": "learning.analytics.exports.tasks.report_exports_purge",
        "schedule_type": Schedule.HOURLY,
    },
    {
        # Analytics rollups: recompute the days the ingest marked dirty (docs/analytics.md#rollups).
        "name": "analytics-rollups-update",
        "func": "learning.analytics.rollups.tasks.rollups_update",
        "schedule_type": Schedule.MINUTES,
        "minutes": settings.ANALYTICS_ROLLUP_EVERY_MINUTES,
        # at 10 million events a dirty day takes seconds: never in front of a mail
        "queue": HEAVY,
    },
]

# Names this command used before it prefixed its schedules: theirs too, so removed.
LEGACY_NAMES = [
    "worker-heartbeat",
    "accounts-housekeeping",
    "audit-purge",
    "cms-publish-scheduled",
    "recordings-uploads-cleanup",
    "notifications-retry-due",
    "announcements-start-due",
]


def schedule_fields(spec: dict) -> dict:
    """Every field a declared schedule sets, so an update also clears what a spec no
    longer says (a dropped `minutes`, a queue back to light)."""
    queue = spec.get("queue", LIGHT)
    return {
        "func": spec["func"],
        "args": spec.get("args"),
        "kwargs": spec.get("kwargs"),
        "hook": spec.get("hook"),
        "schedule_type": spec["schedule_type"],
        "minutes": spec.get("minutes"),
        "cron": spec.get("cron"),
        "repeats": -1,
        # The light queue's cluster runs the schedules without a cluster.
        "cluster": None if queue == LIGHT else cluster_of(queue),
    }


def schedules_sync(*, declared: list[dict]) -> dict[str, list[str]]:
    """Make the `mrict:` schedules exactly `declared`. Returns the names per outcome."""
    outcome = {"created": [], "updated": [], "unchanged": [], "removed": []}
    names = [PREFIX + spec["name"] for spec in declared]
    with transaction.atomic():
        for name, spec in zip(names, declared, strict=True):
            fields = schedule_fields(spec)
            row = Schedule.objects.select_for_update().filter(name=name).first()
            if row is None:
                Schedule.objects.create(name=name, **fields)
                outcome["created"].append(name)
            elif any(getattr(row, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(row, key, value)
                row.save()
                outcome["updated"].append(name)
            else:
                outcome["unchanged"].append(name)
        stale = Schedule.objects.filter(name__startswith=PREFIX).exclude(
            name__in=names
        ) | Schedule.objects.filter(name__in=LEGACY_NAMES)
        outcome["removed"] = sorted(stale.values_list("name", flat=True))
        stale.delete()
    return outcome


class Command(BaseCommand):
    help = (
        "Create or update the project's recurring django-q2 jobs and remove the ones it "
        "no longer declares (idempotent; schedules made by hand are left alone)."
    )

    def handle(self, *args, **options):
        outcome = schedules_sync(declared=SCHEDULES)
        for verb in ("created", "updated", "removed"):
            for name in outcome[verb]:
                self.stdout.write(f"{verb} schedule {name}")
        self.stdout.write(
            f"{len(SCHEDULES)} schedules declared: {len(outcome['created'])} created, "
            f"{len(outcome['updated'])} updated, {len(outcome['unchanged'])} unchanged, "
            f"{len(outcome['removed'])} removed."
        )
