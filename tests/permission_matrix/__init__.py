"""The permission matrix's machinery: the row type and its helpers (`core`), the walk
of the URLconf that proves every endpoint has a row (`coverage`) and the Markdown table
in docs/permission-matrix.md (`render`). The rows themselves are in
tests/test_permission_matrix.py, the entry point."""
