"""The permission matrix's machinery: the row type and its helpers (`core`), the walk
of the URLconf that proves every endpoint has a row (`coverage`) and the Markdown table
in docs/permission-matrix.md (`render`). The rows themselves are in `rows_<area>.py`, one
module per area (collected by `core.area_rows()`); tests/test_permission_matrix.py is the
entry point, with the tests and the other tables (probes, pages, editor pages)."""
