"""Permission-matrix rows of moderation (learning/moderation): reports by any verified
account, the admins' queue of cases and its decisions. Setups:
learning/moderation/tests/matrix.py."""

from learning.moderation.tests import matrix as moderation_matrix
from tests.permission_matrix.core import Row, admins_only, signed_in

_MOD = moderation_matrix.reported_project
MOD_CASES = "/api/v1/admin/moderation/cases/"

ROWS: list[Row] = [
    # --- moderation (learning/moderation): reports by any verified account, the queue and
    # its decisions for admins. The project's owner is "other", none of the callers. ---
    Row(
        "POST",
        "/api/v1/reports/",
        signed_in(201),
        {"kind": "project", "target": "{mod_share_token}", "reason": "spam"},
        setup=_MOD,
    ),
    Row(
        "POST",
        "/api/v1/reports/",
        signed_in(404) | {"admin": 201},
        {"kind": "profile", "target": "{other}", "reason": "spam"},
        setup=_MOD,
        note="taken-down profile: only admins see it",
    ),
    Row("POST", "/api/v1/reports/", signed_in(400), {"kind": "nope"}, note="bad input"),
    Row("GET", "/api/v1/reports/", signed_in(405)),
    Row("GET", MOD_CASES, admins_only(200), setup=_MOD),
    Row("GET", MOD_CASES + "?status=nope", admins_only(400), note="bad input"),
    Row("POST", MOD_CASES, admins_only(405), {}),
    Row("GET", MOD_CASES + "{mod_case}/", admins_only(200), setup=_MOD),
    Row("GET", MOD_CASES + "999999/", admins_only(404), note="unknown"),
    Row("DELETE", MOD_CASES + "{mod_case}/", admins_only(405), setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/dismiss/", admins_only(200), {"comment": "fine"}, setup=_MOD),
    Row("GET", MOD_CASES + "{mod_case}/dismiss/", admins_only(405), setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/take-down/", admins_only(200), {"reason": "spam"}, setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/take-down/", admins_only(400), {}, setup=_MOD, note="bad input"),
    Row(
        "POST",
        MOD_CASES + "{mod_taken_down_case}/take-down/",
        admins_only(409),
        {"reason": "spam"},
        setup=_MOD,
        note="taken down already",
    ),
    Row("POST", MOD_CASES + "{mod_taken_down_case}/restore/", admins_only(200), {}, setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/restore/", admins_only(409), {}, setup=_MOD, note="visible"),
]
