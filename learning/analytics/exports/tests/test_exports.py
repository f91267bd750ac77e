"""Report exports through the real HTTP API: every kind in both formats has its columns
and rows for a hand-built set (course scope for the course's teacher, organisation
scope for the organisation's admin); the job reports progress and the file comes back
through a signed link that works without a token and expires; spreadsheet formulas are
neutralised and Unicode kept; nobody exports or reads another organisation's or
teacher's; bad input and limits are clear 4xx; exports and downloads are audited; old
exports are purged with their files."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error

from ..models import ReportExport
from .conftest import T0
from .helpers import EXPORTS, export_rows, poll, request_export

pytestmark = pytest.mark.django_db

ISO_T0 = T0.isoformat()


def norm(value) -> str:
    """Cells compared across formats: numbers as numbers (CSV has text, XLSX numbers)."""
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and "e" not in text.lower() else text


def as_dicts(rows: list[list]) -> list[dict]:
    header = rows[0]
    return [{column: norm(cell) for column, cell in zip(header, row, strict=True)} for row in rows[1:]]


COLUMNS = {
    "learner_progress": [
        "learner_id", "email", "name", "organisation", "course_id", "course_title", "enrolled_at",
        "enrolled", "lessons_completed", "last_activity_at", "course_completed_at",
    ],
    "quiz_results": [
        "learner_id", "email", "name", "organisation", "course_id", "course_title", "quiz_id",
        "quiz_title", "attempt", "started_at", "submitted_at", "score", "max_score", "passed", "late",
    ],
    "certificates": [
        "learner_id", "email", "name", "organisation", "course_id", "course_title", "holder_name",
        "serial", "issue_status", "status", "issued_at", "revoked_at",
    ],
    "activity": [
        "event_id", "timestamp", "type", "actor", "verb", "object_type", "object_id", "course_id",
        "module_id", "lesson_id", "result", "extensions",
    ],
}  # fmt: skip


def expected(kind: str, data: dict, scope: str) -> list[dict]:
    """The rows each report must hold, written out by hand from the fixture."""
    course, other = data["course"], data["other_course"]
    ada, bao, rex = data["ada"], data["bao"], data["rex"]
    ada_cells = {"learner_id": str(ada.pk), "email": ada.email, "name": '\'=HYPERLINK("http://evil")'}
    bao_cells = {"learner_id": str(bao.pk), "email": bao.email, "name": "Bảo Ngọc 🚀"}
    rex_cells = {"learner_id": str(rex.pk), "email": rex.email, "name": "Rex"}
    school, rival = {"organisation": "Çamlıca School"}, {"organisation": "Rival Academy"}
    web = {"course_id": str(course.pk), "course_title": "Web basics"}
    if kind == "learner_progress":
        day2 = T0.replace(day=3).isoformat()
        common = school | web | {"enrolled": "true", "last_activity_at": ISO_T0, "course_completed_at": ""}
        rows = {
            "ada": ada_cells | common | {
                "enrolled_at": ISO_T0, "lessons_completed": "2",
                "course_completed_at": T0.replace(hour=11).isoformat(),
            },
            "bao": bao_cells | common | {
                "enrolled_at": day2, "lessons_completed": "0", "last_activity_at": day2,
            },
            "bao_other": bao_cells | common | {
                "course_id": str(other.pk), "course_title": "Other course", "enrolled_at": ISO_T0,
                "enrolled": "false", "lessons_completed": "0", "last_activity_at": "",
            },
            "rex": rex_cells | common | rival | {"enrolled_at": ISO_T0, "lessons_completed": "0"},
        }  # fmt: skip
        keys = ["ada", "bao", "rex"] if scope == "course" else ["ada", "bao", "bao_other"]
    elif kind == "quiz_results":
        quiz = {"quiz_id": str(data["quiz"].pk), "quiz_title": "'+Quiz 1", "attempt": "1",
                "started_at": ISO_T0, "submitted_at": T0.replace(minute=5).isoformat(), "max_score": "5",
                "late": "false"}  # fmt: skip
        rows = {
            "ada": ada_cells | school | web | quiz | {"score": "4", "passed": "true"},
            "rex": rex_cells | rival | web | quiz | {"score": "1.5", "passed": "false"},
        }
        keys = ["ada", "rex"] if scope == "course" else ["ada"]
    elif kind == "certificates":
        cert = {"course_title": "Web basics", "issue_status": "issued", "status": "valid",
                "issued_at": ISO_T0, "revoked_at": ""}  # fmt: skip
        rows = {
            "ada": ada_cells | school | web | cert | {"holder_name": "Ada", "serial": "MRICT-2026-0001"},
            "rex": rex_cells | rival | web | cert | {"holder_name": "Rex", "serial": "MRICT-2026-0002"},
        }
        keys = ["ada", "rex"] if scope == "course" else ["ada"]
    else:
        lesson = data["lessons"][0]
        rows = {}
        for n, event in enumerate(data["events"]):
            rows[n] = {
                "event_id": str(event.id), "timestamp": event.timestamp.isoformat(), "type": "lesson_view",
                "actor": event.actor, "verb": event.verb, "object_type": "lesson",
                "object_id": str(lesson.pk),
                "course_id": str(event.course_id), "module_id": "", "lesson_id": str(lesson.pk),
                "result": "",
                "extensions": '{"note": "@SUM(A1)", "title": "日本語"}' if n == 0 else "",
            }  # fmt: skip
        keys = [0, 2] if scope == "course" else [0, 1]
    return [rows[key] for key in keys]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(COLUMNS))
def test_each_kind_of_a_course_for_its_teacher(
    kind, format, data, teacher, auth_client, django_capture_on_commit_callbacks
):
    state, rows = export_rows(
        auth_client(teacher),
        APIClient(),
        django_capture_on_commit_callbacks,
        kind=kind,
        format=format,
        scope="course",
        target=data["course"].pk,
    )
    assert rows[0] == COLUMNS[kind]
    assert as_dicts(rows) == expected(kind, data, "course")
    assert state["rows_done"] == state["rows_total"] == len(rows) - 1
    assert state["kind"] == kind and state["format"] == format and state["course_id"] == data["course"].pk


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(COLUMNS))
def test_each_kind_of_an_organisation_for_its_admin(
    kind, format, data, school, org_admin, auth_client, django_capture_on_commit_callbacks
):
    state, rows = export_rows(
        auth_client(org_admin),
        APIClient(),
        django_capture_on_commit_callbacks,
        kind=kind,
        format=format,
        scope="organisation",
        target=school.pk,
    )
    assert rows[0] == COLUMNS[kind]
    assert as_dicts(rows) == expected(kind, data, "organisation")
    assert state["organisation_id"] == school.pk and state["course_id"] is None


def test_download_is_an_attachment_with_the_file_name_and_type(
    data, teacher, auth_client, django_capture_on_commit_callbacks
):
    client = auth_client(teacher)
    for format, content_type in (
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        created = request_export(
            client,
            django_capture_on_commit_callbacks,
            kind="certificates",
            format=format,
            target=data["course"].pk,
        )
        response = APIClient().get(poll(client, created["id"])["download"]["url"])
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        disposition = response["Content-Disposition"]
        assert (
            disposition.startswith("attachment;")
            and f"certificates-course-{data['course'].pk}-" in disposition
        )
        assert disposition.endswith(f'.{format}"')
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_formula_injection_is_neutralised_and_unicode_kept(
    format, school, org_admin, course_index, build_course, auth_client, django_capture_on_commit_callbacks
):
    from learning.progress.models import Enrollment

    course = build_course(title="@Course")
    names = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR", "Zoë 学生 ✓", "a=b"]
    for n, name in enumerate(names):
        user = UserFactory(email=f"l{n}@school.test", display_name=name, organisation=school)
        Enrollment.objects.create(user=user, course=course, enrolled_at=T0)
    _, rows = export_rows(
        auth_client(org_admin),
        APIClient(),
        django_capture_on_commit_callbacks,
        kind="learner_progress",
        format=format,
        scope="organisation",
        target=school.pk,
    )
    got = {row["email"]: row for row in as_dicts(rows)}
    # XML (inside XLSX) reads a lone carriage return back as a line feed: still neutralised
    cr = "'\rCR" if format == "csv" else "'\nCR"
    assert [got[f"l{n}@school.test"]["name"] for n in range(len(names))] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tTab", cr, "Zoë 学生 ✓", "a=b",
    ]  # fmt: skip
    assert {row["course_title"] for row in got.values()} == {"'@Course"}


def test_xlsx_has_no_formula_cells(
    school, org_admin, course_index, build_course, auth_client, django_capture_on_commit_callbacks
):
    """Read back without evaluating: no cell of the workbook is a formula."""
    import io

    from openpyxl import load_workbook

    from learning.progress.models import Enrollment

    course = build_course(title="=cmd|' /C calc'!A0")
    user = UserFactory(email="x@school.test", display_name="\x01=2+2", organisation=school)
    Enrollment.objects.create(user=user, course=course, enrolled_at=T0)
    client = auth_client(org_admin)
    created = request_export(
        client, django_capture_on_commit_callbacks, kind="learner_progress", format="xlsx",
        scope="organisation", target=school.pk,
    )  # fmt: skip
    response = APIClient().get(poll(client, created["id"])["download"]["url"])
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for row in book.worksheets[0].iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert "'=2+2" in values and "'=cmd|' /C calc'!A0" in values


def test_progress_polling_and_listing_own_exports(
    data,
    teacher,
    admin_user,
    auth_client,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    uncached_users,
):
    client = auth_client(teacher)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            EXPORTS,
            {"kind": "learner_progress", "format": "csv", "scope": "course", "course": data["course"].pk},
        )
    assert response.status_code == 202, response.content
    first = response.json()
    assert first["status"] == "queued" and first["progress"] == 0 and first["download"] is None
    assert first["rows_total"] is None
    assert poll(client, first["id"])["status"] == "queued"
    for callback in queued:
        callback()  # the job runs
    done = poll(client, first["id"])
    assert (done["status"], done["progress"], done["rows_done"], done["rows_total"]) == ("done", 100, 3, 3)
    assert done["download"]["url"].startswith("http://testserver/api/v1/analytics/exports/download/")

    for kind in ("quiz_results", "certificates"):
        request_export(client, django_capture_on_commit_callbacks, kind=kind, target=data["course"].pk)
    request_export(
        auth_client(admin_user), django_capture_on_commit_callbacks, kind="activity", target=data["course"].pk
    )
    # the caller and their roles, the count and the page, whatever the page holds
    with django_assert_num_queries(4):
        listed = client.get(EXPORTS)
    assert listed.status_code == 200
    assert [e["kind"] for e in listed.json()["results"]] == [
        "certificates",
        "quiz_results",
        "learner_progress",
    ]
    with django_assert_num_queries(4):
        assert len(client.get(EXPORTS + "?page_size=1").json()["results"]) == 1
    # another's export, even an admin's, is 404 to the teacher, and the teacher's to the admin
    admin_export = auth_client(admin_user).get(EXPORTS).json()["results"][0]["id"]
    assert_error(client.get(f"{EXPORTS}{admin_export}/"), 404)
    assert_error(auth_client(admin_user).get(f"{EXPORTS}{first['id']}/"), 404)


def test_who_may_export_what(
    data, school, rival, org_admin, rival_admin, teacher, other_teacher, student, admin_user,
    auth_client, django_capture_on_commit_callbacks,
):  # fmt: skip
    course = data["course"].pk
    org_body = {
        "kind": "learner_progress",
        "format": "csv",
        "scope": "organisation",
        "organisation": school.pk,
    }
    course_body = {"kind": "learner_progress", "format": "csv", "scope": "course", "course": course}
    # anonymous and plain students may not export at all
    assert_error(APIClient().post(EXPORTS, org_body, format="json"), 401)
    assert_error(auth_client(student).post(EXPORTS, course_body, format="json"), 403)
    assert_error(auth_client(student).get(EXPORTS), 403)
    # another organisation's admin: the school is not theirs (404), courses are not theirs to export (403)
    rival_client = auth_client(rival_admin)
    assert_error(rival_client.post(EXPORTS, org_body, format="json"), 404)
    assert_error(rival_client.post(EXPORTS, course_body, format="json"), 403)
    assert_error(rival_client.post(EXPORTS, org_body | {"organisation": 2**40}, format="json"), 404)
    # a teacher: not an organisation's (403), not another teacher's course (404)
    assert_error(auth_client(teacher).post(EXPORTS, org_body, format="json"), 403)
    assert_error(auth_client(other_teacher).post(EXPORTS, course_body, format="json"), 404)
    # the school's admin is a teacher who owns no course: the course is not theirs
    assert_error(auth_client(org_admin).post(EXPORTS, course_body, format="json"), 404)
    # the school's export is not readable by the rival admin, nor its link by a guess
    created = request_export(
        auth_client(org_admin), django_capture_on_commit_callbacks, kind="learner_progress",
        scope="organisation", target=school.pk,
    )  # fmt: skip
    assert_error(rival_client.get(f"{EXPORTS}{created['id']}/"), 404)
    assert rival_client.get(EXPORTS).json()["results"] == []
    # admins export any scope
    for body in (org_body, course_body, org_body | {"organisation": rival.pk}):
        with django_capture_on_commit_callbacks(execute=True):
            assert auth_client(admin_user).post(EXPORTS, body, format="json").status_code == 202


def test_the_link_works_without_a_token_until_it_expires(
    data, teacher, auth_client, settings, django_capture_on_commit_callbacks
):
    client = auth_client(teacher)
    created = request_export(
        client, django_capture_on_commit_callbacks, kind="certificates", target=data["course"].pk
    )
    url = poll(client, created["id"])["download"]["url"]
    assert APIClient().get(url).status_code == 200
    # a bearer token is not looked at: even a broken one does not stand in the way
    broken = APIClient()
    broken.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert broken.get(url).status_code == 200
    # older than the lifetime (-1 s: any link is; the signer keeps whole seconds, so a
    # lifetime of 1 s left between 0 and 1 s for the reads above)
    settings.ANALYTICS_EXPORT_LINK_SECONDS = -1
    assert_error(APIClient().get(url), 410, code="link_expired")
    assert_error(client.get(url), 410, code="link_expired")
    # a fresh read gives a fresh link
    settings.ANALYTICS_EXPORT_LINK_SECONDS = 300
    assert APIClient().get(poll(client, created["id"])["download"]["url"]).status_code == 200


def test_a_forged_or_mangled_link_is_404(data, teacher, auth_client, django_capture_on_commit_callbacks):
    client = auth_client(teacher)
    created = request_export(
        client, django_capture_on_commit_callbacks, kind="certificates", target=data["course"].pk
    )
    url = poll(client, created["id"])["download"]["url"]
    export_id, stamp, signature = url.rstrip("/").rsplit("/", 1)[1].split(":")
    forged = f"{EXPORTS}download/{export_id}:{stamp}:{signature[:-2]}xx/"
    assert_error(APIClient().get(forged), 404)
    other = "00000000-0000-4000-8000-000000000000"
    assert_error(APIClient().get(f"{EXPORTS}download/{other}:{stamp}:{signature}/"), 404)
    assert_error(APIClient().get(f"{EXPORTS}download/nonsense/"), 404)


def test_exports_and_downloads_are_audited(data, teacher, auth_client, django_capture_on_commit_callbacks):
    from learning.audit.models import AuditEntry

    client = auth_client(teacher)
    created = request_export(
        client,
        django_capture_on_commit_callbacks,
        kind="quiz_results",
        format="xlsx",
        target=data["course"].pk,
    )
    exported = AuditEntry.objects.get(event="data.exported", object_pk=created["id"])
    assert exported.actor_id == teacher.pk
    assert exported.additional_data == {
        "export": "analytics_quiz_results_xlsx",
        "export_id": created["id"],
        "scope": "course",
        "organisation_id": None,
        "course_id": data["course"].pk,
        "rows": 2,
    }
    url = poll(client, created["id"])["download"]["url"]
    with django_capture_on_commit_callbacks(execute=True):
        assert APIClient().get(url).status_code == 200
    downloaded = AuditEntry.objects.get(event="data.downloaded", object_pk=created["id"])
    assert downloaded.actor_id is None
    assert downloaded.additional_data == {"export_id": created["id"], "requested_by_id": teacher.pk}


@pytest.mark.django_db(transaction=True)
def test_a_download_is_audited_with_the_request_it_came_from(data, teacher, auth_client):
    """Committed for real (a transactional test), as in production: the entry is written
    while the download's request is served, so its address and agent are on it."""
    from learning.audit.models import AuditEntry

    client = auth_client(teacher)
    body = {"kind": "certificates", "format": "csv", "scope": "course", "course": data["course"].pk}
    created = client.post(EXPORTS, body, format="json").json()
    url = poll(client, created["id"])["download"]["url"]
    assert APIClient().get(url, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Sheets/1").status_code == 200
    downloaded = AuditEntry.objects.get(event="data.downloaded", object_pk=created["id"])
    assert (downloaded.remote_addr, downloaded.user_agent) == ("203.0.113.9", "Sheets/1")
    assert AuditEntry.objects.filter(
        event="data.exported", object_pk=created["id"], actor_id=teacher.pk
    ).exists()


def test_bad_input_is_a_clear_400(data, teacher, school, admin_user, auth_client):
    client = auth_client(teacher)
    course = data["course"].pk
    good = {"kind": "certificates", "format": "csv", "scope": "course", "course": course}
    assert_error(
        client.post(EXPORTS, good | {"kind": "grades"}, format="json"), 400, "invalid_choice", "kind"
    )
    assert_error(
        client.post(EXPORTS, good | {"format": "pdf"}, format="json"), 400, "invalid_choice", "format"
    )
    assert_error(
        client.post(EXPORTS, good | {"scope": "world"}, format="json"), 400, "invalid_choice", "scope"
    )
    no_course = {k: v for k, v in good.items() if k != "course"}
    assert_error(client.post(EXPORTS, no_course, format="json"), 400, "required", "course")
    both = good | {"organisation": school.pk}
    assert_error(
        auth_client(admin_user).post(EXPORTS, both, format="json"), 400, "not_allowed", "organisation"
    )
    assert_error(client.post(EXPORTS, good | {"course": 2**63}, format="json"), 400, attr="course")
    assert_error(client.post(EXPORTS, good | {"course": "x"}, format="json"), 400, attr="course")
    assert_error(client.post(EXPORTS, good | {"colour": "red"}, format="json"), 400)
    assert_error(client.get(f"{EXPORTS}not-a-uuid/"), 404)
    assert not ReportExport.objects.exists()


def test_limits_concurrent_exports_and_rows(
    data, teacher, auth_client, settings, django_capture_on_commit_callbacks
):
    settings.ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER = 1
    client = auth_client(teacher)
    body = {"kind": "certificates", "format": "csv", "scope": "course", "course": data["course"].pk}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(EXPORTS, body, format="json").status_code == 202
    refused = client.post(EXPORTS, body, format="json")
    assert_error(refused, 429, code="too_many_exports")
    assert refused["Retry-After"]
    for callback in queued:
        callback()
    settings.ANALYTICS_EXPORT_MAX_ROWS = 1  # the course has two certificates
    failed = request_export(
        client, django_capture_on_commit_callbacks, kind="certificates", target=data["course"].pk
    )
    state = poll(client, failed["id"])
    assert state["status"] == "failed" and state["download"] is None
    assert "ANALYTICS_EXPORT_MAX_ROWS" in state["error"] and "2 rows" in state["error"]


def test_old_exports_are_purged_with_their_files(
    data, teacher, auth_client, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from ..tasks import report_exports_purge

    client = auth_client(teacher)
    old = request_export(
        client, django_capture_on_commit_callbacks, kind="certificates", target=data["course"].pk
    )
    new = request_export(
        client, django_capture_on_commit_callbacks, kind="activity", target=data["course"].pk
    )
    old_export = ReportExport.objects.get(pk=old["id"])
    name = old_export.file.name
    assert name.startswith(f"private/analytics-exports/{old['id']}/") and default_storage.exists(name)
    url = poll(client, old["id"])["download"]["url"]
    ReportExport.objects.filter(pk=old["id"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(APIClient().get(url), 404)  # past its expiry the file is not served, even before the purge
    assert report_exports_purge() == 1
    assert not default_storage.exists(name)
    assert list(ReportExport.objects.values_list("pk", flat=True)) == [
        ReportExport.objects.get(pk=new["id"]).pk
    ]
    assert_error(client.get(f"{EXPORTS}{old['id']}/"), 404)


def test_the_purge_is_scheduled():
    from site_config.management.commands.setup_schedules import SCHEDULES

    assert {
        "name": "analytics-exports-purge",
        "func": "learning.analytics.exports.tasks.report_exports_purge",
    }.items() <= next(s for s in SCHEDULES if s["name"] == "analytics-exports-purge").items()
