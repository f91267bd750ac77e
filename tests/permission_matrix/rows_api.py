"""Permission-matrix rows of the API itself: its docs (/api/docs/, /api/redoc/), schema and
ping, and the /api/ catch-all (site_config/urls.py, site_config/api/errors.py). No setups:
the answer is the same for every caller."""

from tests.permission_matrix.core import Row, everyone

ROWS: list[Row] = [
    # --- the API docs: public pages (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]) ---
    Row("GET", "/api/docs/", everyone(200)),
    Row("GET", "/api/redoc/", everyone(200)),
    # --- rows the URL walk (test_every_endpoint_has_a_row) found missing ---
    # probes and plumbing: the same for everyone
    Row("GET", "/api/schema/", everyone(200)),
    Row("GET", "/api/v1/ping/", everyone(200)),
    # nothing else lives under /api/: the error shape's 404 for every method
    Row("GET", "/api/nothing-here/", everyone(404)),
    Row("POST", "/api/nothing-here/", everyone(404), {}),
    Row("PUT", "/api/nothing-here/", everyone(404), {}),
    Row("PATCH", "/api/nothing-here/", everyone(404), {}),
    Row("DELETE", "/api/nothing-here/", everyone(404)),
]
