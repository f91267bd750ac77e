"""Schema fuzzing of every endpoint in the OpenAPI schema (/api/v1/ and Wagtail's
/api/cms/): schemathesis generates valid and invalid requests (bodies, query strings,
path ids, headers) from /api/schema/ and sends them to the real WSGI application
in-process, as a caller of a role that matters for the path (anonymous, unverified,
student, teacher, admin) with real access JWTs. Half of the examples aim path ids at
objects that exist (a published course, a draft, a challenge, a review task), so
requests get past the 404 into the views, serializers and services.

Whatever comes in, the answer is never a 5xx, every 4xx is JSON in the one error
shape, and the status and content type are ones the schema documents; /api/v1/auth/
must also match its documented response bodies exactly. FUZZ_MAX_EXAMPLES
(settings/test.py, env var) bounds the examples per operation: the default keeps
`make test` quick; docs/security-input.md says how to run it longer.
"""

import io

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learning.accounts.tokens import tokens_for_user

ANONYMOUS, UNVERIFIED, STUDENT, TEACHER, ADMIN = "anonymous", "unverified", "student", "teacher", "admin"


def callers_for(path: str, method: str) -> list[str]:
    """The callers worth sending to a path: its intended role first, then the ones the
    permission checks must turn away (their 401/403 must be in the error shape too)."""
    admin_only = (
        "/api/v1/authoring/pages/",
        "/api/v1/moderation/",
        "/api/v1/admin/moderation/",
        "/api/v1/notifications/send/",
    )
    if path.startswith(admin_only) or path.endswith("/owners/"):
        return [ADMIN, TEACHER, STUDENT]
    if path.startswith("/api/v1/authoring/recordings/") or (
        path.startswith("/api/v1/recordings/") and method == "POST"
    ):
        return [ADMIN, TEACHER, STUDENT]  # admin-only (RECORDINGS_TEACHERS_MAY_UPLOAD off)
    if path.startswith(("/api/v1/authoring/", "/api/v1/teacher/")):
        return [TEACHER, ADMIN, STUDENT]
    if path.startswith("/api/v1/certificates/") and "/verify/" not in path:
        return [ADMIN, STUDENT]  # admins' revoke / re-issue / list
    if path.startswith("/api/cms/"):
        return [STUDENT, TEACHER, ADMIN, UNVERIFIED, ANONYMOUS]
    if path.startswith("/api/v1/auth/") and method == "POST":
        return [ANONYMOUS, STUDENT, UNVERIFIED]
    return [STUDENT, UNVERIFIED, TEACHER, ANONYMOUS]


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application, called in-process. Like Django's test client, keep the
    per-request connection cleanup off so the test's database transaction survives."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from site_config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, student, teacher, other_teacher, admin_user):
    """The callers' Authorization headers and the ids of real objects per path parameter."""
    from cms.models import LessonPage, ModulePage
    from cms.tests import matrix as cms_matrix
    from learning.accounts.tests.factories import UserFactory
    from learning.coding.tests import matrix as coding_matrix
    from learning.recordings.tests import matrix as recordings_matrix

    unverified = UserFactory(role="student", email_verified=False)
    callers = {"student": student, "teacher": teacher, "admin": admin_user, "other": other_teacher}
    live = coding_matrix.lesson_with_challenge(callers)
    draft = cms_matrix.teacher_draft(callers)
    task = cms_matrix.in_review(callers)["task"]
    recording = recordings_matrix.draft_recording(callers)["recording"]
    live_module = LessonPage.objects.get(pk=live["live_lesson"]).get_parent().pk
    assert ModulePage.objects.filter(pk=live_module).exists()
    # The tutor's index of the live course, so its endpoints get past "no index yet" (503)
    # into retrieval, the guardrails and the built-in answerer.
    call_command("build_tutor_index", stdout=io.StringIO())
    # A student's project with a save point and a live share link (learning/projects).
    from learning.projects.services import project_create, save_point_create, share_link_create

    project = project_create(user=student, title="Fuzzed")
    save_point = save_point_create(project=project, name="fuzz")
    share, share_token = share_link_create(project=project)
    # The student's certificate of the live course (learning/rewards/certificates).
    from learning.rewards.certificates.tests import matrix as certificates_matrix

    certificate = certificates_matrix.student_certificate(callers, course_id=live["live"])
    # An in-app notification of the student (learning/notifications).
    from learning.notifications.services import notify

    notify(recipients=[student], type="admin_message", title="Fuzzed", channels=["in_app"])
    # Announcements (learning/notifications/announcements): one sent to everyone for the
    # reads, the teacher's draft for the writes.
    from learning.notifications.announcements.tests import matrix as announcements_matrix

    announcements = announcements_matrix.announcements(callers)
    users = {UNVERIFIED: unverified, STUDENT: student, TEACHER: teacher, ADMIN: admin_user}
    headers = {
        role: {"Authorization": f"Bearer {tokens_for_user(user)['access']}"} for role, user in users.items()
    }
    headers[ANONYMOUS] = {}
    return {
        "headers": headers,
        # reads go to the live course; writes to the teacher's draft, so that an
        # unpublish or delete early in the run leaves the learner paths something to read
        "read": {
            "course_id": live["live"],
            "lesson_id": live["live_lesson"],
            "challenge_id": live["challenge"],
            "task_state_id": task,
            "courses": live["live"],
            "modules": live_module,
            "lessons": live["live_lesson"],
            "pages": live["live_lesson"],
            "profiles": other_teacher.pk,
            "project_id": project.pk,
            "save_point_id": save_point.pk,
            "share_id": share.pk,
            "token": share_token,
            "recording_id": recording,
            "certificate_id": certificate["certificate"],
            "code": certificate["code"],
            "notification_id": student.notifications.latest("pk").pk,
            "announcement_id": announcements["ann_sent_all"],
        },
        "write": {
            "announcement_id": announcements["ann_teacher_draft"],
            "courses": draft["draft_course"],
            "modules": draft["draft_module"],
            "lessons": draft["draft_lesson"],
            "pages": draft["draft_lesson"],
        },
    }


def real_id(world: dict, path: str, method: str, name: str) -> int | None:
    ids = world["read"] if method == "GET" else {**world["read"], **world["write"]}
    if name in ids:
        return ids[name]
    # `{page_id}` / `{id}`: the kind is the path segment before it
    segments = path.strip("/").split("/")
    kind = segments[segments.index("{" + name + "}") - 1] if "{" + name + "}" in segments else None
    return ids.get(kind)


@pytest.fixture
def api_schema(wsgi_app, settings):
    # Throttles would turn most generated requests into 429s; the fuzz is about input.
    settings.AUTH_THROTTLE_RATES = dict.fromkeys(settings.AUTH_THROTTLE_RATES, "100000/min")
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


def assert_error_shape(response, where) -> None:
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (where, response.text[:300])
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}, (where, body)
    assert body["errors"], (where, body)
    for error in body["errors"]:
        assert {"code", "detail", "attr"} <= set(error), (where, body)
        assert isinstance(error["code"], str) and isinstance(error["detail"], str), (where, body)


def check_answer(case, response, where: str, *more_checks) -> None:
    """Never a 5xx; every 4xx in the one error shape; status and content type as
    documented (plus `more_checks`)."""
    assert response.status_code < 500, (where, response.status_code, response.text[:800])
    if response.status_code >= 400:
        assert_error_shape(response, where)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, *more_checks],
    )


@schema.parametrize()
@schema.given(data=st.data())
@hypothesis_settings(
    max_examples=settings.FUZZ_MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    # Generated cases only: schemathesis cannot combine the schema's own examples with
    # `given` (the caller); the generator covers what they show.
    phases=[Phase.generate, Phase.shrink],
)
def test_no_endpoint_answers_5xx(case, data, world):
    method = case.method.upper()
    caller = data.draw(st.sampled_from(callers_for(case.path, method)), label="caller")
    if case.path_parameters and data.draw(st.booleans(), label="real ids"):
        for name in list(case.path_parameters):
            value = real_id(world, case.path, method, name)
            if value is not None:
                case.path_parameters[name] = value
    response = case.call(headers=world["headers"][caller])
    where = f"{caller}: {method} {case.formatted_path} query={case.query!r:.200} body={case.body!r:.300}"
    check_answer(case, response, where)


@schema.include(path_regex=r"^/api/v1/auth/").parametrize()
@hypothesis_settings(
    max_examples=settings.FUZZ_MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_auth_endpoints_match_their_schema(case, student):
    """/api/v1/auth/ also answers exactly what its schema documents (every status,
    every error code): the front end generates its client from it."""
    signed_out = {"/api/v1/auth/signup/", "/api/v1/auth/login/"}
    headers = (
        {} if case.path in signed_out else {"Authorization": f"Bearer {tokens_for_user(student)['access']}"}
    )
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path} body={case.body!r:.300} -> {response.status_code}"
    check_answer(case, response, where, response_schema_conformance)
