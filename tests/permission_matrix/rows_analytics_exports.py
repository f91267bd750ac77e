"""Permission-matrix rows of organisations (the organisation admin's view) and analytics
report exports (docs/analytics.md#organisations, #exports). In these rows "teacher" is
also the organisation admin of an organisation (setup `_org_admin`); no other caller
administers one."""

from __future__ import annotations

import time

from tests.permission_matrix.core import Row, everyone

EXPORTS = "/api/v1/analytics/exports/"


def _org_admin(callers) -> dict:
    from learning.accounts.models import Organisation

    school = Organisation.objects.create(name="Matrix School", slug="matrix-school")
    teacher = callers["teacher"]
    teacher.organisation, teacher.organisation_admin = school, True
    teacher.save()
    return {"org": school.pk}


def _course(callers) -> dict:
    from cms.tests.matrix import live_course

    return {"course": live_course(callers)["live"]}


def _done_export(callers) -> dict:
    """A finished export of the teacher's course, its signed link, an expired link to it
    (signed an hour ago) and a forged one."""
    from django.core import signing

    from learning.analytics.exports import links, services

    course = _course(callers)["course"]
    export = services.report_export_request(
        user=callers["teacher"], kind="certificates", format="csv", scope="course", course_id=course
    )
    services.report_export_run(export_id=export.pk)
    signer = signing.TimestampSigner(salt=links._SALT)
    old = f"{export.pk}:{signing.b62_encode(int(time.time()) - 3600)}"
    token = links.download_token(export.pk)
    return {
        "export": export.pk,
        "token": token,
        "expired_token": f"{old}:{signer.signature(old)}",
        "forged_token": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
    }


def _course_body() -> dict:
    return {"kind": "learner_progress", "format": "csv", "scope": "course", "course": "{course}"}


ORG_ADMIN_ONLY = {"anonymous": 401, "student": 403, "teacher": 200, "other_teacher": 403, "admin": 403}

ROWS: list[Row] = [
    # --- organisations: the organisation admin's own (accounts) ---
    Row("GET", "/api/v1/organisations/mine/", ORG_ADMIN_ONLY, setup=_org_admin),
    Row("GET", "/api/v1/organisations/mine/members/", ORG_ADMIN_ONLY, setup=_org_admin),
    Row("GET", "/api/v1/organisations/mine/", {**ORG_ADMIN_ONLY, "teacher": 403}, note="no organisation"),
    # --- analytics exports ---
    Row(
        "GET", EXPORTS, {"anonymous": 401, "student": 403, "teacher": 200, "other_teacher": 200, "admin": 200}
    ),
    Row(
        "POST",
        EXPORTS,
        {"anonymous": 401, "student": 403, "teacher": 202, "other_teacher": 404, "admin": 202},
        _course_body(),
        setup=_course,
        note="the teacher's course",
    ),
    Row(
        "POST",
        EXPORTS,
        {"anonymous": 401, "student": 403, "teacher": 202, "other_teacher": 403, "admin": 202},
        {"kind": "activity", "format": "xlsx", "scope": "organisation", "organisation": "{org}"},
        setup=_org_admin,
        note="the teacher's organisation",
    ),
    Row(
        "GET",
        EXPORTS + "{export}/",
        {"anonymous": 401, "student": 403, "teacher": 200, "other_teacher": 404, "admin": 404},
        setup=_done_export,
        note="the teacher's export",
    ),
    Row("GET", EXPORTS + "download/{token}/", everyone(200), setup=_done_export, note="the signed link"),
    Row("GET", EXPORTS + "download/{expired_token}/", everyone(410), setup=_done_export, note="expired"),
    Row("GET", EXPORTS + "download/{forged_token}/", everyone(404), setup=_done_export, note="forged"),
]
