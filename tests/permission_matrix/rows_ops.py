"""Operations endpoints outside the API (site_config/metrics.py): /metrics takes the
scraper's credential (METRICS_TOKEN, set in the test settings) and nothing else; a user's
JWT, whoever they are, is refused. Without METRICS_TOKEN it is a 404 for everyone
(site_config/tests/test_metrics.py)."""

from tests.permission_matrix.core import Row, everyone

ROWS = [
    Row("GET", "/metrics", everyone(401), note="only the scraper's METRICS_TOKEN"),
]
