"""Prometheus metrics at /metrics (site_config/metrics.py, docs/operations.md)."""

from .env import env

# The scraper's credential: `Authorization: Bearer <METRICS_TOKEN>`, or HTTP basic auth
# with any user name and METRICS_TOKEN as the password. Unset: /metrics answers 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Seconds the scrape waits for the sandbox service's /health (its pool) when SANDBOX_URL
# is set; past it the sandbox pool metrics of the service are left out of that scrape.
METRICS_SANDBOX_TIMEOUT = env.float("METRICS_SANDBOX_TIMEOUT", default=0.5)
