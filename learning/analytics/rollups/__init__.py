"""Analytics rollups and dashboards (docs/analytics.md#rollups, #dashboards).

models.py     the rollup tables (Rollup, RollupLesson)
metrics.py    the catalogue of dashboard metrics: what each one counts and how it slices
statements.py the set-based SQL that computes rollups from raw events (SQLite and PostgreSQL)
services.py   rollups_update (the incremental job: dirty days only) and rollups_rebuild
selectors.py  dashboard reads (rollups only, never raw events) and who may read what
tasks.py      the scheduled job
api/          GET /api/v1/analytics/dashboards/ and /dashboards/<metric>/
admin_views.py, wagtail_hooks.py  Reports > Learning analytics in the Wagtail editor
"""
