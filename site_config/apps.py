from django.apps import AppConfig


class SiteConfigConfig(AppConfig):
    """The project itself: health checks, job heartbeat, request logging, the API
    plumbing and the project-wide management commands (load_demo, setup_schedules)."""

    name = "site_config"
    verbose_name = "Site configuration"

    def ready(self):
        from django_q.signals import post_execute_in_worker, post_spawn

        from . import jobs, sentry
        from .api import ids  # noqa: F401 (registers the `<id:...>` path converter)

        # A cluster proves it is alive the moment its processes start, not only when
        # the scheduler first runs the heartbeat schedule (30 s later).
        post_spawn.connect(jobs.on_cluster_process_spawn, dispatch_uid="mrict-heartbeat")
        # With SENTRY_DSN: every failed job is reported (site_config/sentry.py).
        post_execute_in_worker.connect(sentry.report_failed_job, dispatch_uid="mrict-sentry-jobs")
