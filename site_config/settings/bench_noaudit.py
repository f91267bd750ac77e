"""Bench only (bench/scenarios_audit.py): production settings without the audit
middleware, for a second server in the same `make bench` run, so the cost of auditing
a write-heavy endpoint is measured against the same database, cache and machine.
Never deploy this: requests would leave model diffs without actor, address or user agent."""

from .prod import *  # noqa: F403
from .prod import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "site_config.middleware.AuditlogMiddleware"]
