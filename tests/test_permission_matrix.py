"""The permission matrix: for every endpoint and method, the status each kind of caller
gets. One row per (endpoint, method); columns are the callers:

    anonymous      no token
    student        a verified student
    teacher        a verified teacher, the owner of the row's objects (their course's)
    other_teacher  a verified teacher who owns nothing the row's setup builds
    admin          an admin (group member, not superuser)

URLs and bodies may use placeholders, filled per caller:
    {me}     the caller's own user id (for anonymous: another user's id)
    {other}  the id of "other", a teacher who is not a caller and owns the setups'
             "someone else's" objects ({other_course}, {other_challenge}, ...)
The rows live in tests/permission_matrix/rows_<area>.py, one module per area (a new
area adds a module), each with a module-level ROWS list; area_rows() collects them, in
module-name order, into ROWS here. A row has a `setup` callable when it needs objects
(each module's docstring says where its area's setups live): it gets the users dict (the
callers by name, and "other") and returns extra placeholder values; a value may be a
dict by caller name, for "the caller's own object" (e.g. {my_attempt}): then it needs an
entry for every caller but anonymous (who gets someone else's), "other_teacher" included.

Writing a row (tests/permission_matrix/core.py):
    Row(method, url, expect, body=None, format="json", setup=None, note="", extra={})
where `expect` comes from a helper or is a dict by caller:
    everyone(200)                       the same for all five callers
    signed_in(200)                      401 for anonymous; other_teacher= to override
    authors(200)                        teachers and admins; 403 for students
    authors(200, other_teacher=404)     ... but the row's object is the owner's
    admins_only(200)                    403 for everyone else signed in
    {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200}
A dict without "other_teacher" gives them the owner's ("teacher") status: say otherwise
whenever the row's object belongs to "teacher" (another teacher gets 403/404).

Every 4xx answer must also be in the one error shape. Requests carry real access JWTs.
test_every_endpoint_has_a_row fails for any URL pattern x method without a row (see
EXCLUDED below for what needs none); docs/permission-matrix.md is rendered from ROWS.
"""

import pytest
from django.views.generic.edit import ProcessFormView

from cms.tests import matrix as cms_matrix
from learning.accounts.tests.helpers import assert_error
from learning.assessments.tests import matrix as assessments_matrix
from learning.coding.tests import matrix as coding_matrix
from learning.moderation.tests import matrix as moderation_matrix
from learning.notifications.announcements.tests import matrix as announcements_matrix
from tests.permission_matrix import coverage
from tests.permission_matrix.core import CALLERS, Row, admins_only, area_rows, check_cell, everyone, statuses

# Every area's rows, from tests/permission_matrix/rows_<area>.py (one module per area).
ROWS = area_rows()


def _cases():
    for row in ROWS:
        for caller in CALLERS:
            label = f"{row.method} {row.url} as {caller}" + (f" ({row.note})" if row.note else "")
            yield pytest.param(row, caller, id=label)


@pytest.fixture
def callers(student, teacher, admin_user, other_teacher):
    """The callers by name, and "other": the `other_teacher` fixture (not the caller of
    that name), who owns the setups' objects of "someone else". The caller
    "other_teacher" is a third teacher, who owns nothing the setups build."""
    from learning.accounts.tests.factories import UserFactory

    outsider = UserFactory(email="outsider-teacher@example.test", role="teacher")
    return {
        "student": student,
        "teacher": teacher,
        "other_teacher": outsider,
        "admin": admin_user,
        "other": other_teacher,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "caller"), list(_cases()))
def test_permission_matrix(row: Row, caller: str, callers, auth_client):
    check_cell(row, caller, callers, auth_client)


# Every endpoint that serves lesson content (bodies, starter files, attachments) answers an
# account whose email is not verified yet as the learner API does: 403 in the error shape
# (one rule, `learning.accounts.permissions.user_may_learn`). The matrix's callers are all
# verified, so this caller gets its own table.
UNVERIFIED_REFUSED = [
    ("/api/v1/lessons/{live_lesson}/", cms_matrix.live_course, 403),
    ("/api/cms/pages/", cms_matrix.live_course, 403),
    ("/api/cms/pages/{live}/", cms_matrix.live_course, 403),
    ("/api/cms/pages/{live_lesson}/", cms_matrix.live_course, 403),
    ("/api/v1/quizzes/{quiz}/", assessments_matrix.quiz_with_attempts, 403),
    # a download answers 404 to whoever may not have it, as for anonymous callers
    ("/documents/{live_document}/{live_document_name}", cms_matrix.live_document, 404),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "setup", "status"), UNVERIFIED_REFUSED, ids=[url for url, _, _ in UNVERIFIED_REFUSED]
)
def test_unverified_account_gets_no_lesson_content(url, setup, status, callers, auth_client):
    from learning.accounts.tests.factories import UserFactory

    unverified = UserFactory(email="unverified@example.test", role="student", email_verified=False)
    response = auth_client(unverified).get(url.format(**setup(callers)))
    assert_error(response, status)


# The probes (site_config/health.py): JSON of their own (not the error shape), no JWT
# read; who asks changes nothing. Readiness is checked without a job worker required
# (the test run has none; README's env table: JOBS_REQUIRED).
PROBES = [
    ("GET", "/health/live", everyone(200)),
    ("GET", "/health/ready", everyone(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "caller", "expected"),
    [
        pytest.param(m, u, c, statuses(expect)[c], id=f"{m} {u} as {c}")
        for m, u, expect in PROBES
        for c in CALLERS
    ],
)
def test_probe_matrix(method: str, url: str, caller: str, expected: int, callers, auth_client, settings):
    settings.JOBS_REQUIRED = False
    response = getattr(auth_client(callers.get(caller)), method.lower())(url)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")


# Pages outside /api/ (HTML, not the API's error shape), with the same rule: a status per
# caller. The built-in preview (docs/preview.md) is reached by its signed token alone, as
# `/api/v1/preview/` is: who is signed in changes nothing.
PAGES = [
    ("GET", "/preview/?content_type=cms.lessonpage&token=forged", everyone(404)),
    ("GET", "/preview/", everyone(400)),
    ("POST", "/preview/?content_type=cms.lessonpage&token=forged", everyone(405)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "caller", "expected"),
    [
        pytest.param(m, u, c, statuses(expect)[c], id=f"{m} {u} as {c}")
        for m, u, expect in PAGES
        for c in CALLERS
    ],
)
def test_page_matrix(method: str, url: str, caller: str, expected: int, callers, auth_client):
    response = getattr(auth_client(callers.get(caller)), method.lower())(url)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")


# Editor (Wagtail admin) URLs of our own, with a session as the editor has: a status per
# caller, "teacher" owning the course of {challenge} and "other" (another teacher) that
# of {other_challenge}. The challenge Check (docs/authoring.md) is a CSRF-protected POST
# of the edit form; these rows post an empty form (400 once the caller may check, before
# anything runs) with the header its script sends, which makes Wagtail answer callers
# without editor access with 403 instead of a redirect to the login page.
CHECK = "/admin/snippets/coding/challenge/check/"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
_CHALLENGES = None  # the default setup: coding_matrix's challenge of "teacher" and of "other"
_ANNOUNCE = "/admin/snippets/announcements/announcement/"
EDITOR_PAGES = [
    (
        "POST",
        CHECK + "{challenge}/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 400, "other_teacher": 404, "admin": 400},
    ),
    (
        "POST",
        CHECK + "{other_challenge}/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 404, "admin": 400},
    ),
    ("POST", CHECK, XHR, {"anonymous": 403, "student": 403, "teacher": 400, "admin": 400}),
    (
        "POST",
        CHECK + "{challenge}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 400, "other_teacher": 404, "admin": 400},
    ),
    ("GET", CHECK + "{challenge}/", XHR, {"anonymous": 403, "student": 403, "teacher": 405, "admin": 405}),
    # the second factor (docs/admin-security.md): editors only; a POST without a code is 400
    ("GET", "/admin/2fa/setup/", {}, {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200}),
    ("POST", "/admin/2fa/setup/", {}, {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200}),
    # no device yet: verifying sends an editor to the setup first
    ("GET", "/admin/2fa/verify/", {}, {"anonymous": 302, "student": 403, "teacher": 302, "admin": 302}),
    ("POST", "/admin/2fa/verify/", {}, {"anonymous": 302, "student": 403, "teacher": 302, "admin": 302}),
    # the audit log's editor pages (docs/audit-log.md): admins only; Wagtail sends an
    # editor without the permission back to the dashboard (302 to /admin/)
    ("GET", "/admin/audit-log/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    ("GET", "/admin/audit-log/csv/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    # the announcement editor (docs/announcements.md): admins; teachers use the API
    # (/api/v1/teacher/announcements/), the editor sends them back to the dashboard
    ("GET", _ANNOUNCE + "add/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    ("POST", _ANNOUNCE + "add/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    (
        "GET",
        _ANNOUNCE + "edit/{ann_teacher_draft}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        announcements_matrix.announcements,
    ),
    (
        "POST",
        _ANNOUNCE + "edit/{ann_other_draft}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        announcements_matrix.announcements,
    ),
    # Django admin: staff only (every view behind AdminSite.admin_view; see EXCLUDED)
    ("GET", "/django-admin/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
]
EDITOR_PAGES = [page if len(page) == 5 else (*page, _CHALLENGES) for page in EDITOR_PAGES]


# The Organisations snippet (learning/accounts/wagtail_hooks.py): admins only.
ORGS = "/admin/snippets/accounts/organisation/"


def _no_objects(callers) -> dict:
    return {}


# The moderation queue in the editor (learning/moderation/views.py): admins only; Wagtail
# sends a teacher back to the dashboard (302 to /admin/); a decision without an action is 400.
MODQ = "/admin/moderation-queue/"
EDITOR_PAGES += [
    ("GET", MODQ, {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}, _no_objects),
    (
        "GET",
        MODQ + "{mod_case}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        moderation_matrix.reported_project,
    ),
    (
        "POST",
        MODQ + "{mod_case}/decide/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 400},
        moderation_matrix.reported_project,
    ),
]
EDITOR_PAGES += [
    ("GET", ORGS, XHR, {"anonymous": 403, "student": 403, "teacher": 403, "admin": 200}, _no_objects),
    (
        "GET",
        ORGS + "add/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 403, "admin": 200},
        _no_objects,
    ),
]


# Reports > Learning analytics (learning/analytics/rollups/admin_views.py): admins only;
# Wagtail sends a teacher back to the dashboard (302 to /admin/).
EDITOR_PAGES += [
    (
        "GET",
        "/admin/learning-analytics/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        _no_objects,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "headers", "setup", "caller", "expected"),
    [
        pytest.param(m, u, h, setup, c, statuses(expect)[c], id=f"{m} {u}{' (xhr)' if h else ''} as {c}")
        for m, u, h, expect, setup in EDITOR_PAGES
        for c in CALLERS
    ],
)
def test_editor_page_matrix(method: str, url: str, headers: dict, setup, caller: str, expected: int, callers):
    from django.test import Client

    if setup is None:
        values = coding_matrix.lesson_with_challenge(callers) | coding_matrix.others_challenge(callers)
    else:
        values = setup(callers)
    client = Client()
    if callers.get(caller) is not None:
        client.force_login(callers[caller])
    response = getattr(client, method.lower())(url.format(**values), **headers)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected == 302 and caller in ("anonymous", "student"):  # to the login page
        assert "admin/login/" in response["Location"], response["Location"]


# --- coverage: every URL pattern x method of the root URLconf has a row -----------------
#
# tests/permission_matrix/coverage.py walks site_config/urls.py. What needs a row, by prefix:
#   /api/...          everything (our API, the schema and docs, Wagtail's page API, the
#                     /api/ catch-all): ROWS (the rows_<area>.py modules).
#   /health/          the probes: PROBES above (no JWT involved, same for everyone).
#   /preview/, /documents/  HTML and files outside the API: PAGES above and ROWS.
#   /admin/2fa/, and our own views inside the Wagtail editor (/admin/...: the challenge
#                     Check, the audit log pages, the announcement editor): EDITOR_PAGES.
# What needs none is listed in EXCLUDED, each with the reason; OPTIONS and HEAD are never
# listed (the frameworks answer them for every view).
EXCLUDED = [
    coverage.Exclusion(
        "Wagtail's own editor views: Wagtail's permission policies guard them and Wagtail's "
        "test suite covers them; our role groups' editor permissions are tested in "
        "cms/tests/test_editor_roles.py",
        route="admin/",
        view="wagtail",
    ),
    coverage.Exclusion(
        "Wagtail snippet views with our object scope (cms/snippet_scope.py, "
        "learning/recordings/editor.py OwnRecordingsOnly: another teacher's challenge, "
        "question or recording is a 404): Wagtail's views, tested through the scope in "
        "cms/tests/test_editor_roles.py, learning/coding/tests/test_editor_check.py, "
        "learning/assessments/tests/test_editor.py and learning/recordings/tests/test_editor.py",
        route="admin/snippets/",
        when=lambda pattern: _object_scoped(coverage.view_class(pattern)),
    ),
    coverage.Exclusion(
        "PUT on the editor's form views: Django's ProcessFormView answers PUT with its POST "
        "handler, whose row covers it",
        route="admin/",
        methods=("PUT",),
        when=lambda pattern: getattr(coverage.view_class(pattern), "put", None) is ProcessFormView.put,
    ),
    coverage.Exclusion(
        "Wagtail's admin test page (a TemplateView of Wagtail's own urls)",
        route="admin/test404/",
    ),
    coverage.Exclusion(
        "Django admin: every view is wrapped in AdminSite.admin_view (active staff only, "
        "then the second factor: docs/admin-security.md); one row per caller for its index "
        "in EDITOR_PAGES shows the gate, the views behind it are Django's",
        route="django-admin/",
    ),
    coverage.Exclusion(
        "Wagtail's front end (the site is headless: pages are read through the API): its "
        "page-serving catch-all and the password form of private pages, which no page uses",
        view="wagtail.views.",
    ),
    coverage.Exclusion(
        "the password form of private document collections, which no collection uses",
        route="documents/authenticate_with_password/",
    ),
    coverage.Exclusion(
        "the front-end login of Wagtail's private pages (Django's LoginView under _util/)",
        route="_util/",
    ),
]


def _object_scoped(view_class) -> bool:
    from learning.recordings.editor import OwnRecordingsOnly

    return view_class is not None and (
        hasattr(view_class, "ACTIONS") or issubclass(view_class, OwnRecordingsOnly)
    )


# Function views do not declare their methods where Python can see them (a decorator
# refuses the others): the methods each one answers. A new function view fails the
# coverage test until it is listed here.
FUNCTION_METHODS = {
    "site_config.health.live": ("GET",),
    "site_config.health.ready": ("GET",),
    "site_config.metrics.metrics": ("GET",),
    "site_config.api.errors.api_not_found": ("GET", "POST", "PUT", "PATCH", "DELETE"),
    "cms.views.preview_page": ("GET",),
    "wagtail.documents.views.serve.serve": ("GET",),
    "learning.accounts.second_factor.views.setup": ("GET", "POST"),
    "learning.accounts.second_factor.views.verify": ("GET", "POST"),
    "learning.audit.views.audit_log": ("GET",),
    "learning.audit.views.audit_log_csv": ("GET",),
    "learning.moderation.views.queue": ("GET",),
    "learning.moderation.views.case_detail": ("GET",),
    "learning.moderation.views.case_decide": ("POST",),
    "learning.analytics.rollups.admin_views.learning_analytics": ("GET",),
}


def matrix_requests() -> list[tuple[str, str]]:
    """(method, url) of every row of every table of the matrix (ROWS, PROBES, PAGES, EDITOR_PAGES)."""
    return (
        [(row.method, row.url) for row in ROWS]
        + [(method, url) for method, url, _ in PROBES]
        + [(method, url) for method, url, _ in PAGES]
        + [(method, url) for method, url, *_ in EDITOR_PAGES]
    )


def test_every_endpoint_has_a_row():
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    assert not walked.unknown_methods, (
        "function views with no entry in FUNCTION_METHODS (say which methods they answer)",
        walked.unknown_methods,
    )
    missing = coverage.uncovered(matrix_requests(), walked)
    assert not missing, "endpoints without a matrix row:\n" + "\n".join(map(str, missing))


def test_every_row_reaches_an_endpoint():
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    stale = coverage.unmatched(matrix_requests(), walked)
    assert not stale, f"rows whose URL resolves to no listed or excluded pattern: {stale}"


# --- the test of the test: the checks above fail when a row goes or a check loosens ------

DROPPED = [
    ("GET", "/api/v1/ping/", "api/v1/ping/"),
    (
        "POST",
        "/api/v1/teacher/challenges/{challenge}/check/",
        "api/v1/teacher/challenges/<id:challenge_id>/check/",
    ),
    ("GET", "/api/v1/badge-awards/{badge_award}/", "api/v1/badge-awards/<award_key:award>/"),
    ("POST", "/admin/2fa/setup/", "admin/2fa/setup/"),
]


@pytest.mark.parametrize(("method", "url", "route"), DROPPED, ids=[f"{m} {u}" for m, u, _ in DROPPED])
def test_coverage_reports_a_removed_row(method, url, route):
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    requests = matrix_requests()
    assert (method, url) in requests  # the row exists, and only this one reaches the endpoint
    assert coverage.uncovered(requests, walked) == []
    missing = coverage.uncovered([r for r in requests if r != (method, url)], walked)
    assert [(e.route, e.method) for e in missing] == [(route, method)]


def test_coverage_reports_a_new_function_view_without_methods():
    listed = dict(FUNCTION_METHODS)
    del listed["site_config.health.live"]
    walked = coverage.endpoints(EXCLUDED, listed)
    assert walked.unknown_methods == ["/health/live (site_config.health.live)"]


def test_coverage_reports_an_endpoint_when_its_exclusion_goes():
    without_django_admin = [e for e in EXCLUDED if e.route != "django-admin/"]
    missing = coverage.uncovered(
        matrix_requests(), coverage.endpoints(without_django_admin, FUNCTION_METHODS)
    )
    assert missing and all(e.route.startswith("django-admin/") for e in missing)


@pytest.mark.django_db
def test_cell_check_fails_when_the_status_is_loosened(callers, auth_client):
    row = Row("GET", "/api/v1/admin/login-locks/", admins_only(200))
    check_cell(row, "student", callers, auth_client)  # 403, as the row says
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, auth_client, expected=200)  # "students may read it"
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, auth_client, expected=404)  # any other status


@pytest.mark.django_db
def test_cell_check_fails_on_a_4xx_outside_the_error_shape(callers, auth_client):
    # the editor's second-factor page refuses a student with a plain-text 403: the status
    # alone would pass, the error-shape half of the cell check does not
    row = Row("GET", "/admin/2fa/setup/", {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200})
    from django.test import Client

    client = Client()
    client.force_login(callers["student"])
    assert client.get("/admin/2fa/setup/").status_code == 403
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, lambda user: client)


# --- the rendered table (docs/permission-matrix.md) ---------------------------------------


def test_rendered_matrix_is_current():
    from tests.permission_matrix import render

    assert render.DOC.read_text() == render.render(), (
        f"docs/permission-matrix.md is not the matrix of this file: regenerate it with\n    {render.COMMAND}"
    )
