"""Periodic maintenance and reindexing (site_config/maintenance, docs/operations.md).

Every value is an environment variable with a default (README env table)."""

from .env import env

# Page and snippet revisions kept per object by the daily prune (the newest ones; the
# live and the latest revision, one scheduled to go live and one in a workflow are
# never removed whatever their rank).
REVISIONS_KEEP = env.int("REVISIONS_KEEP", default=20)
# A file under the media storage that no row references is removed once it is this
# old (an upload in flight has no row yet).
MEDIA_ORPHAN_GRACE_HOURS = env.int("MEDIA_ORPHAN_GRACE_HOURS", default=24)
# Storage folders the orphan sweep never enters (besides the tutor index's and the
# unfinished recording uploads', which their own code prunes), comma-separated.
MEDIA_ORPHAN_SKIP_PREFIXES = env.list("MEDIA_ORPHAN_SKIP_PREFIXES", default=[])
# Failed-job rows (the admin's Failed tasks) are kept this many days; 0 keeps all.
JOBS_FAILURE_RETENTION_DAYS = env.int("JOBS_FAILURE_RETENTION_DAYS", default=30)
# `reindex_all`: dotted callables run after the built-in steps (content cache, tutor
# index, search index); each takes `progress(done, total)` and returns a count.
REINDEX_EXTRA_STEPS = env.list("REINDEX_EXTRA_STEPS", default=[])
REINDEX_STEPS = [
    "site_config.reindex.search_index_rebuild",
    "cms.content_cache.rebuild.rebuild",
    "tutor.reindex.rebuild",
    "learning.analytics.rollups.reindex.rebuild",
    *REINDEX_EXTRA_STEPS,
]
