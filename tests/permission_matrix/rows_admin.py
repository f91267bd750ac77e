"""Permission-matrix rows of the admin API: account security (login locks, sessions, the
second factor) and the audit log. Setups: learning/accounts/tests/matrix.py and
learning/audit/tests/matrix.py."""

from learning.accounts.tests import matrix as accounts_matrix
from learning.audit.tests import matrix as audit_matrix
from tests.permission_matrix.core import Row, admins_only

ROWS: list[Row] = [
    # --- admin: account security (learning/accounts/api/admin_views.py) and the audit log
    # (learning/audit; append-only: no write method on any of its URLs) ---
    Row("GET", "/api/v1/admin/login-locks/", admins_only(200), setup=accounts_matrix.login_lock),
    Row(
        "DELETE",
        "/api/v1/admin/login-locks/{login_lock}/",
        admins_only(200),
        setup=accounts_matrix.login_lock,
    ),
    Row("GET", "/api/v1/admin/users/{other}/sessions/", admins_only(200)),
    Row("POST", "/api/v1/admin/users/{other}/sessions/revoke/", admins_only(200)),
    Row("DELETE", "/api/v1/admin/users/{other}/second-factor/", admins_only(204)),
    Row("GET", "/api/v1/admin/audit/entries/", admins_only(200), setup=audit_matrix.audit_entry),
    Row("POST", "/api/v1/admin/audit/entries/", admins_only(405), {}),
    Row(
        "GET", "/api/v1/admin/audit/entries/{audit_entry}/", admins_only(200), setup=audit_matrix.audit_entry
    ),
    Row(
        "PUT",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        {},
        setup=audit_matrix.audit_entry,
    ),
    Row(
        "PATCH",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        {},
        setup=audit_matrix.audit_entry,
    ),
    Row(
        "DELETE",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        setup=audit_matrix.audit_entry,
    ),
    Row("GET", "/api/v1/admin/audit/entries/csv/", admins_only(200), setup=audit_matrix.audit_entry),
    Row("DELETE", "/api/v1/admin/audit/entries/csv/", admins_only(405)),
]
