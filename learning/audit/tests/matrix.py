"""Setups for the audit log's rows of tests/permission_matrix/rows_admin.py."""


def audit_entry(callers) -> dict:
    from learning.audit.services import audit_record

    entry = audit_record(event="test.matrix", actor=callers["other"], target=callers["other"])
    return {"audit_entry": entry.pk}
