"""The audit log (docs/audit-log.md): explicit events for each listed action, with
actor, client address, user agent and request id, through real HTTP; model diffs of
the registered models; append-only at every door (ORM, SQL, API, Django admin, the
editor's view); the retention purge (the only deletion, itself audited); search,
filters and the audited CSV export. SQLite and PostgreSQL (triggers on both)."""

import io
from datetime import timedelta

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from learning.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.audit.models import AppendOnlyError, AuditEntry
from learning.audit.registry import AUDITED_MODELS

pytestmark = pytest.mark.django_db
IP = "192.0.2.44"
UA = "audit-test-agent/2.0"


def _api(**headers) -> APIClient:
    return APIClient(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA, **headers)


def _last(event: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(event=event).order_by("-pk").first()
    assert entry is not None, f"no {event} entry"
    return entry


def _assert_context(entry, actor=None):
    assert entry.remote_addr == IP and entry.user_agent == UA and entry.cid
    if actor is not None:
        assert entry.actor_id == actor.pk and entry.actor_email == actor.email


def test_auth_events_have_actor_address_agent_and_request_id(student):
    api = _api()
    login = api.post(
        "/api/v1/auth/login/",
        {"email": student.email, "password": DEFAULT_PASSWORD},
        format="json",
        HTTP_X_REQUEST_ID="req-audit-0001",
    )
    assert login.status_code == 200
    entry = _last("auth.login")
    _assert_context(entry, student)
    assert entry.cid == "req-audit-0001" and entry.object_pk == str(student.pk)
    assert entry.additional_data == {"via": "api"}

    assert (
        api.post(
            "/api/v1/auth/login/", {"email": student.email, "password": "nope-nope"}, format="json"
        ).status_code
        == 401
    )
    failed = _last("auth.login_failed")
    _assert_context(failed)
    assert failed.actor_id is None and failed.additional_data["account"] == student.email

    tokens = login.json()
    changed = _api(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").post(
        "/api/v1/auth/password/change/",
        {"current_password": DEFAULT_PASSWORD, "new_password": "quartz-Lantern-meadow-64"},
        format="json",
    )
    assert changed.status_code == 200
    _assert_context(_last("auth.password_changed"), student)
    revoked = _last("auth.sessions_revoked_all")
    _assert_context(revoked, student)
    assert revoked.additional_data["reason"] == "password_change"

    assert (
        api.post("/api/v1/auth/logout/", {"refresh": changed.json()["refresh"]}, format="json").status_code
        == 204
    )
    _assert_context(_last("auth.logout"), student)
    assert "password" not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_editor_login_logout_email_and_role_changes_are_audited():
    admin_user = UserFactory(email="root@example.test", is_superuser=True, is_staff=True)
    target = UserFactory(email="learner@example.test", role="student")
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert (
        client.post("/admin/login/", {"username": admin_user.email, "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
    login = _last("auth.login")
    _assert_context(login, admin_user)
    assert login.additional_data == {"via": "editor"}

    teacher_group = Group.objects.get(name="teacher")
    response = client.post(
        f"/django-admin/accounts/user/{target.pk}/change/",
        {
            "email": "learner.renamed@example.test",
            "display_name": "Renamed",
            "locale": "en",
            "time_zone": "UTC",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
            "groups": [teacher_group.pk],
        },
    )
    assert response.status_code == 302, response.content[:1500]
    email = _last("auth.email_changed")
    _assert_context(email, admin_user)
    assert email.changes == {"email": ["learner@example.test", "learner.renamed@example.test"]}
    roles = AuditEntry.objects.filter(event="auth.role_changed", object_pk=str(target.pk))
    assert {"added": ["teacher"]} in [r.additional_data for r in roles] or any(
        "teacher" in (r.additional_data or {}).get("added", []) for r in roles
    )
    _assert_context(roles.order_by("-pk").first(), admin_user)
    # django-auditlog's diff of the same save, in the same table, same request id
    diff = AuditEntry.objects.filter(
        event="model.update", object_pk=str(target.pk), changes__has_key="email"
    ).get()
    assert diff.changes["email"] == ["learner@example.test", "learner.renamed@example.test"]
    assert diff.cid == email.cid and diff.actor_id == admin_user.pk and diff.user_agent == UA

    client.post("/admin/logout/")
    _assert_context(_last("auth.logout"), admin_user)


def test_publishing_and_unpublishing_are_audited(build_course, admin_user, auth_client):
    course = build_course(publish=False)
    api = _api()
    api.force_authenticate(admin_user)
    assert (
        api.post(
            f"/api/v1/authoring/pages/{course.pk}/publish/", {"include_descendants": True}, format="json"
        ).status_code
        == 200
    )
    published = AuditEntry.objects.filter(event="content.published", object_pk=str(course.pk)).get()
    _assert_context(published, admin_user)
    assert published.additional_data["revision"] and published.object_repr == course.title
    assert api.post(f"/api/v1/authoring/pages/{course.pk}/unpublish/", {}, format="json").status_code == 200
    _assert_context(
        AuditEntry.objects.filter(event="content.unpublished", object_pk=str(course.pk)).get(), admin_user
    )
    # the page model's own diff (live: true -> false)
    assert AuditEntry.objects.filter(
        event="model.update", object_pk=str(course.pk), changes__has_key="live"
    ).exists()


def test_sensitive_models_are_registered_and_diffed(admin_user):
    for label in [*AUDITED_MODELS, "accounts.User"]:
        assert auditlog.contains(apps.get_model(label)), label
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    client.force_login(admin_user)
    admin_user.is_superuser = True  # Django admin's group screens
    admin_user.save()
    assert client.post("/django-admin/auth/group/add/", {"name": "reviewers"}).status_code == 302
    created = AuditEntry.objects.filter(event="model.create", object_repr="reviewers").get()
    assert created.actor_id == admin_user.pk and created.remote_addr == IP


# --- append-only ---


def _entry() -> AuditEntry:
    return AuditEntry.objects.create(event="test.fact", object_repr="a fact")


def test_no_code_path_changes_or_deletes_an_entry(admin_user, auth_client):
    entry = _entry()
    entry.object_repr = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # below the ORM, the database refuses (trigger)
    for sql in (
        "UPDATE audit_entry SET object_repr = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_entry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_entry")
    # a declared purge cut-off reaches only rows older than it
    future = timezone.now() - timedelta(days=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('audit.purge_before', %s, true)", [future.isoformat()])
        else:
            cursor.execute(
                "INSERT INTO audit_purge_gate (purge_before) VALUES (%s)",
                [connection.ops.adapt_datetimefield_value(future)],
            )
        cursor.execute("DELETE FROM audit_entry WHERE id = %s", [entry.pk])

    # the API has no write: every other method is 405 (admins included)
    api = auth_client(admin_user)
    url = f"/api/v1/admin/audit/entries/{entry.pk}/"
    for method in ("put", "patch", "delete"):
        assert_error(getattr(api, method)(url, {"object_repr": "x"}, format="json"), 405)
    assert_error(api.post("/api/v1/admin/audit/entries/", {}, format="json"), 405)
    # Django admin: no add, change or delete, even for a superuser
    root = Client()
    root.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert root.get(f"/django-admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # read-only view
    assert (
        root.post(f"/django-admin/audit/auditentry/{entry.pk}/change/", {"object_repr": "x"}).status_code
        == 403
    )
    assert root.post(f"/django-admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert root.get("/django-admin/audit/auditentry/add/").status_code == 403
    # the editor's audit view answers GET only
    assert root.post("/admin/audit-log/").status_code == 405
    entry.refresh_from_db()
    assert entry.object_repr == "a fact"


def test_deleting_a_user_keeps_what_they_did(admin_user):
    doomed = UserFactory(email="doomed@example.test")
    entry = AuditEntry.objects.create(event="test.fact", actor=doomed, actor_email=doomed.email)
    doomed.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id is not None and entry.actor_email == "doomed@example.test"


def test_the_retention_purge_deletes_only_old_entries_and_is_audited(settings):
    from django.core.management import call_command
    from django_q.models import Schedule

    from learning.audit import tasks

    call_command("setup_schedules", stdout=io.StringIO())
    assert Schedule.objects.filter(name="mrict:audit-purge", func="learning.audit.tasks.purge").exists()
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = AuditEntry.objects.create(event="test.old", timestamp=now - timedelta(days=31))
    kept = AuditEntry.objects.create(event="test.recent", timestamp=now - timedelta(days=29))
    assert tasks.purge() == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    purged = _last("audit.purged")
    assert purged.additional_data["deleted"] == 1 and purged.additional_data["retention_days"] == 30
    # the purge's permission ended with it
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE id = %s", [kept.pk])
    settings.AUDIT_RETENTION_DAYS = 0  # keep everything
    assert tasks.purge() == 0 and AuditEntry.objects.filter(pk=kept.pk).exists()


# --- search and export ---


def test_admins_search_filter_and_export(
    admin_user, teacher, student, auth_client, django_assert_max_num_queries
):
    for user in (teacher, student, teacher):
        _api().post("/api/v1/auth/login/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    api = auth_client(admin_user)
    assert_error(auth_client(teacher).get("/api/v1/admin/audit/entries/"), 403)
    assert_error(APIClient().get("/api/v1/admin/audit/entries/"), 401)

    with django_assert_max_num_queries(6):
        page = api.get("/api/v1/admin/audit/entries/", {"event": "auth.login", "actor": teacher.pk})
    assert page.status_code == 200
    rows = page.json()["results"]
    assert len(rows) == 2 and {r["actor"]["id"] for r in rows} == {teacher.pk}
    assert rows[0]["object_type"] == "accounts.user" and rows[0]["ip"] == IP and rows[0]["request_id"]
    assert api.get("/api/v1/admin/audit/entries/", {"event": "auth."}).json()["count"] >= 3
    by_object = api.get(
        "/api/v1/admin/audit/entries/", {"object_type": "accounts.user", "object_id": student.pk}
    )
    assert {r["object_id"] for r in by_object.json()["results"]} == {str(student.pk)}
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/admin/audit/entries/", {"since": future}).json()["count"] == 0
    assert_error(api.get("/api/v1/admin/audit/entries/", {"object_type": "nope.nothing"}), 400)
    assert_error(
        api.get("/api/v1/admin/audit/entries/", {"since": future, "until": "2020-01-01T00:00:00Z"}), 400
    )
    assert_error(api.get("/api/v1/admin/audit/entries/", {"colour": "red"}), 400, "unknown_field")
    one = api.get(f"/api/v1/admin/audit/entries/{rows[0]['id']}/")
    assert one.status_code == 200 and one.json() == rows[0]
    assert_error(api.get("/api/v1/admin/audit/entries/999999999/"), 404)

    # a page of 50 costs what a page of 2 does
    for _ in range(48):
        AuditEntry.objects.create(event="auth.login", actor=teacher, actor_email=teacher.email)
    with django_assert_max_num_queries(6):
        assert (
            len(
                api.get(
                    "/api/v1/admin/audit/entries/",
                    {"event": "auth.login", "actor": teacher.pk, "page_size": 50},
                ).json()["results"]
            )
            == 50
        )

    csv = api.get("/api/v1/admin/audit/entries/csv/", {"event": "auth.login", "actor": teacher.pk})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,timestamp,event,actor_id,actor_email")
    assert len(lines) == 1 + 50
    export = _last("data.exported")
    assert export.actor_id == admin_user.pk
    assert (
        export.additional_data["export"] == "audit_log_csv"
        and export.additional_data["filters"]["event"] == "auth.login"
    )


def test_the_editor_view_searches_and_exports(admin_user, teacher):
    _api().post("/api/v1/auth/login/", {"email": teacher.email, "password": DEFAULT_PASSWORD}, format="json")
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/audit-log/", {"event": "auth.login", "actor_email": teacher.email})
    assert (
        page.status_code == 200 and b"auth.login" in page.content and teacher.email.encode() in page.content
    )
    assert b"/admin/audit-log/" in client.get("/admin/").content  # in the settings menu
    assert client.get("/admin/audit-log/", {"object_type": "Not a type!"}).status_code == 400
    csv = client.get("/admin/audit-log/csv/", {"event": "auth.login"})
    assert csv.status_code == 200 and teacher.email in b"".join(csv.streaming_content).decode()
    assert _last("data.exported").additional_data["via"] == "editor"

    editor = Client()
    editor.force_login(teacher)
    for url in ("/admin/audit-log/", "/admin/audit-log/csv/"):  # Wagtail: denied, sent home
        refused = editor.get(url)
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert AuditEntry.objects.filter(event="data.exported").count() == 1


def test_broadcasts_and_reward_rules_are_diffed_with_their_actor(
    admin_user, django_capture_on_commit_callbacks
):
    """An announcement sent through the API, and an XP rule changed by an admin: each a
    diff naming the admin (announcements and rewards register nothing themselves)."""
    from auditlog.context import set_actor

    from learning.rewards.models import XpRule

    api = _api()
    api.force_authenticate(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(
            "/api/v1/teacher/announcements/",
            {"title": "Exams", "body": "Next week.", "target": "all", "channels": ["in_app"]},
            format="json",
        )
    assert made.status_code == 201, made.content
    created = _last("model.create")
    assert created.object_pk == str(made.json()["id"]) and created.changes_dict["title"] == [None, "Exams"]
    assert created.actor_id == admin_user.pk and created.remote_addr == IP

    rule = XpRule.objects.order_by("pk").first() or XpRule.objects.create(event="lesson_completed", points=10)
    with set_actor(admin_user):
        rule.points += 5
        rule.save()
    changed = _last("model.update")
    assert changed.object_pk == str(rule.pk) and changed.actor_id == admin_user.pk
    assert list(changed.changes_dict) == ["points"]
