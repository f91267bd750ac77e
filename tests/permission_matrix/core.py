"""Rows and cells of the permission matrix.

A row is one (method, URL) with the status each caller gets; a cell is one row called
as one caller. `check_cell` is the one place that calls a cell and judges the answer
(status, and the error shape for every 4xx), so the test of the test can call it with
a loosened expectation and see it fail.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from learning.accounts.tests.helpers import assert_error

# The callers, in the order of the rendered table. "teacher" is the owner of the row's
# objects (of the course they belong to); "other_teacher" is a verified teacher who owns
# nothing the row's setup builds. The `callers` fixture also holds "other", a teacher who
# is not a caller: setups give them the objects of "someone else" ({other_course},
# {other_challenge}, {other}: their user id), which both teachers must be refused.
CALLERS = ("anonymous", "student", "teacher", "other_teacher", "admin")
CALLER_TITLES = {
    "anonymous": "anonymous",
    "student": "student",
    "teacher": "teacher (owner)",
    "other_teacher": "teacher (other)",
    "admin": "admin",
}


@dataclass(frozen=True)
class Row:
    """One endpoint and method. `expect` maps caller -> status; a row written before
    the fifth caller (no "other_teacher") gets the owner's status for it: only rows
    about a teacher's own objects need to say otherwise."""

    method: str
    url: str
    expect: dict[str, int]  # caller -> status
    body: dict | None = None
    format: str = "json"
    setup: Callable[[dict], dict] | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "expect", statuses(self.expect, f"{self.method} {self.url}"))


def statuses(expect: dict[str, int], what: str = "") -> dict[str, int]:
    """`expect` with a status for every caller, in CALLERS order: "other_teacher", when
    not given, gets the owner's ("teacher") status."""
    expect = dict(expect)
    if "teacher" in expect:
        expect.setdefault("other_teacher", expect["teacher"])
    assert set(expect) == set(CALLERS), f"{what}: give a status for every caller"
    return {caller: expect[caller] for caller in CALLERS}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def signed_in(status: int, anonymous: int = 401, other_teacher: int | None = None) -> dict[str, int]:
    """Any signed-in caller; `other_teacher` for rows about the owner's objects."""
    return {
        "anonymous": anonymous,
        "student": status,
        "teacher": status,
        "other_teacher": status if other_teacher is None else other_teacher,
        "admin": status,
    }


def admins_only(status: int) -> dict[str, int]:
    """Admin-only endpoints: students and teachers (owners or not) are refused."""
    return {"anonymous": 401, "student": 403, "teacher": 403, "other_teacher": 403, "admin": status}


def authors(status: int, other_teacher: int | None = None) -> dict[str, int]:
    """Teacher-or-admin endpoints: students are refused. A teacher who does not own the
    row's object gets the same status unless `other_teacher` says otherwise (403/404
    for another teacher's course)."""
    return {
        "anonymous": 401,
        "student": 403,
        "teacher": status,
        "other_teacher": status if other_teacher is None else other_teacher,
        "admin": status,
    }


def row_values(row: Row, caller: str, callers: dict) -> dict:
    """The placeholder values of `row` for `caller` (running the row's setup)."""
    user = callers.get(caller)
    values = {"me": (user or callers["other"]).pk, "other": callers["other"].pk}
    if row.setup:
        values |= row.setup(callers)
    for key, value in values.items():
        if isinstance(value, dict):
            assert caller in value, (
                f"{row.setup.__name__} gives {{{key}}} per caller but not for {caller!r}: add it"
            )
            values[key] = value[caller]
    return values


def check_cell(row: Row, caller: str, callers: dict, auth_client, expected: int | None = None):
    """Call `row` as `caller` and assert the status (`expected`, by default the row's)
    and, for every 4xx/5xx, the one error shape. Returns the response."""
    values = row_values(row, caller, callers)
    url = row.url.format(**values)
    client = auth_client(callers.get(caller))
    body = row.body
    if isinstance(body, dict):  # placeholders in string values too, e.g. {"parent": "{other_module}"}
        body = {k: v.format(**values) if isinstance(v, str) and "{" in v else v for k, v in body.items()}
    response = getattr(client, row.method.lower())(url, body, format=row.format, **row.extra)
    expected = row.expect[caller] if expected is None else expected
    if expected >= 400:
        assert_error(response, expected)
    else:
        assert response.status_code == expected, (response.status_code, response.content[:500])
    return response


def area_rows() -> list[Row]:
    """The rows kept in `tests/permission_matrix/rows_<area>.py` modules (each a module
    level `ROWS` list), in module-name order: an area's rows live beside the others
    without every area editing the one big list."""
    import importlib
    import pkgutil

    import tests.permission_matrix as package

    rows: list[Row] = []
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        if module.startswith("rows_"):
            rows += importlib.import_module(f"{package.__name__}.{module}").ROWS
    return rows
