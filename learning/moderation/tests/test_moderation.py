"""Moderation through the real HTTP API: a learner reports a shared project or a public
profile, an admin takes it down (hidden from everyone but admins: owner, other learners,
anonymous callers of the share link) and restores it; reporters and owners are told in
the app; the audit log has every decision; bad input, invisible content, repeats and the
rate limit are refused in the one error shape; the queue runs constant queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.accounts.tests.images import image_bytes
from learning.audit.models import AuditEntry
from learning.projects.tests.helpers import create, url

from ..models import ModerationCase, Report

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
CASES = "/api/v1/admin/moderation/cases/"


@pytest.fixture
def owner(student):
    return student


@pytest.fixture
def reporter(db):
    return UserFactory(email="reporter@example.test", role="student", display_name="Rita")


@pytest.fixture
def shared(auth_client, owner):
    """The owner's project with a live share link, made through the API."""
    client = auth_client(owner)
    project = create(client, title="My site")
    share = client.post(url(project["id"], "shares/"), {}, format="json")
    assert share.status_code == 201, share.content
    return {"project": project, "token": share.json()["token"]}


def report(client, kind="project", target="", reason="spam", **extra):
    return client.post(REPORTS, {"kind": kind, "target": target, "reason": reason, **extra}, format="json")


def inbox(client) -> list[dict]:
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def shared_answers(api_client, token: str) -> tuple[int, int]:
    return (
        api_client.get(f"/api/v1/shared/{token}/").status_code,
        api_client.get(f"/api/v1/shared/{token}/site/index.html").status_code,
    )


def test_takedown_hides_a_shared_project_from_everyone_but_admins_and_restore_brings_it_back(
    auth_client, api_client, owner, reporter, admin_user, shared, django_capture_on_commit_callbacks
):
    token, project_id = shared["token"], shared["project"]["id"]
    learner, admin, owner_client = auth_client(reporter), auth_client(admin_user), auth_client(owner)
    assert shared_answers(api_client, token) == (200, 200)

    filed = report(learner, target=token, reason="harassment", comment="rude words on the page")
    assert filed.status_code == 201, filed.content
    assert filed.json()["status"] == "open" and filed.json()["kind"] == "project"

    queue = admin.get(CASES).json()["results"]
    assert len(queue) == 1
    case = queue[0]
    assert (case["kind"], case["object_id"], case["owner_id"], case["label"]) == (
        "project",
        project_id,
        owner.pk,
        "My site",
    )
    assert case["open_reports"] == 1 and case["state"] == "visible"
    assert case["first_reported_at"] == case["last_reported_at"]

    with django_capture_on_commit_callbacks(execute=True):
        down = admin.post(
            f"{CASES}{case['id']}/take-down/", {"reason": "harassment", "comment": "Bullying."}, format="json"
        )
    assert down.status_code == 200, down.content
    assert down.json()["state"] == "taken_down" and down.json()["open_reports"] == 0
    assert down.json()["reports"][0]["status"] == "upheld"

    # gone for everyone through the share link: anonymous, the owner, other learners
    for client in (api_client, owner_client, learner):
        gone = client.get(f"/api/v1/shared/{token}/")
        assert_error(gone, 410, code="taken_down")
        assert_error(client.get(f"/api/v1/shared/{token}/site/index.html"), 410)
    # a taken-down project cannot be reported again: nobody can see it
    assert_error(report(auth_client(UserFactory(role="student")), target=token), 404, code="not_found")
    # the owner keeps it in the workspace, flagged, with the reason
    mine = owner_client.get(url(project_id)).json()
    assert mine["taken_down_at"] is not None and mine["takedown_reason"] == "harassment"
    assert owner_client.get(url()).json()["results"][0]["takedown_reason"] == "harassment"
    # admins still see it, in the case
    detail = admin.get(f"{CASES}{case['id']}/").json()
    assert detail["content"]["title"] == "My site" and detail["content"]["files"][0]["path"] == "index.html"
    assert detail["takedown_comment"] == "Bullying." and detail["taken_down_by_id"] == admin_user.pk

    # the reporter and the owner are told, in the app
    told = inbox(learner)
    assert [n["type"] for n in told] == ["report_resolved"]
    assert "taken down" in told[0]["title"]
    owner_told = inbox(owner_client)
    assert owner_told[0]["type"] == "content_moderated" and "taken down" in owner_told[0]["title"]
    assert "Harassment" in owner_told[0]["body"] and "Bullying." in owner_told[0]["body"]

    # audit: the explicit entries with the admin as actor, and the case's diff
    taken = AuditEntry.objects.get(event="moderation.taken_down")
    assert taken.actor_id == admin_user.pk and taken.object_pk == str(case["id"])
    assert (
        taken.additional_data["reason"] == "harassment" and taken.additional_data["object_id"] == project_id
    )
    resolved = AuditEntry.objects.get(event="moderation.report_resolved")
    assert resolved.additional_data["outcome"] == "taken_down" and resolved.actor_id == admin_user.pk

    with django_capture_on_commit_callbacks(execute=True):
        back = admin.post(f"{CASES}{case['id']}/restore/", {"comment": "On appeal."}, format="json")
    assert back.status_code == 200, back.content
    assert back.json()["state"] == "visible" and back.json()["restore_comment"] == "On appeal."
    assert shared_answers(api_client, token) == (200, 200)
    assert owner_client.get(url(project_id)).json()["taken_down_at"] is None
    assert "visible again" in inbox(owner_client)[0]["title"]
    restored = AuditEntry.objects.get(event="moderation.restored")
    assert restored.actor_id == admin_user.pk and restored.additional_data["comment"] == "On appeal."
    assert admin.get(CASES, {"status": "taken_down"}).json()["count"] == 0


def test_takedown_hides_a_public_profile_and_its_name_but_not_from_owner_or_admins(
    auth_client, api_client, owner, reporter, admin_user, django_capture_on_commit_callbacks
):
    from learning.rewards.models import XpAward, XpStanding

    owner.display_name, owner.bio = "Loud name", "an offensive bio"
    owner.save()
    learner, admin, owner_client = auth_client(reporter), auth_client(admin_user), auth_client(owner)
    profile = f"/api/v1/auth/profiles/{owner.pk}/"
    assert learner.get(profile).json()["display_name"] == "Loud name"
    # on the leaderboard (opted in, some XP)
    from django.utils import timezone

    now = timezone.now()
    XpAward.objects.create(
        user=owner, source="lesson", source_key="k", item_key="i", points=10, day=now.date(), awarded_at=now
    )
    XpStanding.objects.update_or_create(user=owner, defaults={"leaderboard_opt_in": True, "xp_total": 10})
    board = learner.get("/api/v1/leaderboard/?window=all").json()["rows"]
    assert [r["name"] for r in board] == ["Loud name"]
    # and on a public badge-award page
    from learning.rewards.models import Badge, BadgeAward

    badge = Badge.objects.create(
        slug="first", name="First", description="d", criteria="event_count",
        event_type="lesson_completed", threshold=1,
    )  # fmt: skip
    award = BadgeAward.objects.create(user=owner, badge=badge, awarded_at=now)
    award_page = f"/api/v1/badge-awards/{award.public_id}/"
    assert api_client.get(award_page).json()["holder_name"] == "Loud name"
    # and a picture, whose public URL others have seen
    picture = SimpleUploadedFile("me.png", image_bytes((40, 40)), content_type="image/png")
    uploaded = owner_client.put("/api/v1/auth/me/avatar/", {"avatar": picture}, format="multipart")
    assert uploaded.status_code == 200
    owner.refresh_from_db()
    seen_name, storage = owner.avatar.name, owner.avatar.storage
    assert learner.get(profile).json()["avatar_url"].endswith(seen_name) and storage.exists(seen_name)

    assert report(learner, kind="profile", target=str(owner.pk), reason="hate").status_code == 201
    case_id = ModerationCase.objects.get(kind="profile").pk
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            admin.post(f"{CASES}{case_id}/take-down/", {"reason": "hate"}, format="json").status_code == 200
        )

    assert_error(learner.get(profile), 404)
    assert_error(auth_client(UserFactory(role="teacher")).get(profile), 404)
    assert_error(api_client.get(profile), 401)
    assert admin.get(profile).json()["bio"] == "an offensive bio"  # admins still see it
    assert owner_client.get(profile).status_code == 200  # and its owner
    me = owner_client.get("/api/v1/auth/me/").json()
    assert me["profile_taken_down_at"] is not None and me["profile_takedown_reason"] == "hate"
    # the display name is not shown to others anywhere public
    assert [r["name"] for r in learner.get("/api/v1/leaderboard/?window=all").json()["rows"]] == ["A learner"]
    assert api_client.get(award_page).json()["holder_name"] == "A learner"
    assert AuditEntry.objects.filter(event="moderation.taken_down", actor=admin_user).exists()
    assert inbox(owner_client)[0]["type"] == "content_moderated"
    # the picture's old URL is dead (a copy of it must not keep showing it); the owner
    # keeps the picture under a new name
    assert not storage.exists(seen_name)
    kept = owner_client.get("/api/v1/auth/me/").json()["avatar_url"]
    owner.refresh_from_db()
    assert kept.endswith(owner.avatar.name) and owner.avatar.name != seen_name
    assert storage.exists(owner.avatar.name)

    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{CASES}{case_id}/restore/", {}, format="json").status_code == 200
    assert learner.get(profile).json()["display_name"] == "Loud name"
    assert learner.get(profile).json()["avatar_url"] == kept
    assert [r["name"] for r in learner.get("/api/v1/leaderboard/?window=all").json()["rows"]] == ["Loud name"]
    assert api_client.get(award_page).json()["holder_name"] == "Loud name"


def test_dismiss_tells_the_reporters_and_leaves_the_content_up(
    auth_client, api_client, reporter, admin_user, shared, django_capture_on_commit_callbacks
):
    token = shared["token"]
    second = UserFactory(email="second@example.test", role="teacher")
    for user in (reporter, second):
        assert report(auth_client(user), target=token).status_code == 201
    case = auth_client(admin_user).get(CASES).json()["results"][0]
    assert case["open_reports"] == 2 and case["total_reports"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = auth_client(admin_user).post(
            f"{CASES}{case['id']}/dismiss/", {"comment": "Not against the rules."}, format="json"
        )
    assert done.status_code == 200, done.content
    assert {r["status"] for r in done.json()["reports"]} == {"dismissed"}
    assert shared_answers(api_client, token) == (200, 200)
    for user in (reporter, second):
        told = inbox(auth_client(user))
        assert told[0]["type"] == "report_resolved" and "reviewed" in told[0]["title"]
    assert AuditEntry.objects.filter(event="moderation.report_resolved").count() == 2
    # the open queue is empty now; a new report opens the case again
    assert auth_client(admin_user).get(CASES).json()["count"] == 0
    assert report(auth_client(reporter), target=token).status_code == 201
    assert auth_client(admin_user).get(CASES).json()["results"][0]["open_reports"] == 1
    # nothing left to dismiss twice
    again = auth_client(admin_user).post(f"{CASES}{case['id']}/dismiss/", {}, format="json")
    assert again.status_code == 200
    assert_error(
        auth_client(admin_user).post(f"{CASES}{case['id']}/dismiss/", {}, format="json"),
        409,
        code="no_open_reports",
    )


def test_one_open_report_per_reporter_and_content(auth_client, reporter, shared):
    client = auth_client(reporter)
    assert report(client, target=shared["token"]).status_code == 201
    assert_error(report(client, target=shared["token"], reason="other"), 409, code="already_reported")
    assert Report.objects.count() == 1


def test_bad_input_is_a_400_and_writes_nothing(auth_client, owner, reporter, shared):
    client = auth_client(reporter)
    token = shared["token"]
    too_long = "x" * 1001
    cases = [
        ({"kind": "nope", "target": token, "reason": "spam"}, "kind"),
        ({"kind": "project", "target": token, "reason": "because"}, "reason"),
        ({"kind": "project", "target": token}, "reason"),
        ({"kind": "project", "reason": "spam"}, "target"),
        ({"kind": "project", "target": token, "reason": "spam", "comment": too_long}, "comment"),
        ({"kind": "project", "target": "t" * 201, "reason": "spam"}, "target"),
        ({"kind": "profile", "target": "abc", "reason": "spam"}, "target"),
        ({"kind": "profile", "target": str(reporter.pk), "reason": "spam"}, "target"),  # one's own
    ]
    for body, attr in cases:
        assert_error(client.post(REPORTS, body, format="json"), 400, attr=attr)
    extra = {"kind": "project", "target": token, "reason": "spam", "extra": 1}
    assert_error(client.post(REPORTS, extra, format="json"), 400, code="unknown_field")
    assert_error(client.post(REPORTS, [1, 2], format="json"), 400)
    # the owner reporting their own project (through its share link)
    assert_error(report(auth_client(owner), target=token), 400, code="own_content")
    assert Report.objects.count() == 0 and ModerationCase.objects.count() == 0


def test_admin_decisions_refuse_bad_input_and_wrong_states(
    auth_client, reporter, admin_user, shared, django_capture_on_commit_callbacks
):
    assert report(auth_client(reporter), target=shared["token"]).status_code == 201
    admin = auth_client(admin_user)
    case_id = ModerationCase.objects.get().pk
    assert_error(admin.post(f"{CASES}{case_id}/take-down/", {}, format="json"), 400, attr="reason")
    assert_error(
        admin.post(f"{CASES}{case_id}/take-down/", {"reason": "spam", "comment": "x" * 1001}, format="json"),
        400,
        attr="comment",
    )
    assert_error(admin.post(f"{CASES}{case_id}/restore/", {}, format="json"), 409, code="not_taken_down")
    assert_error(admin.get(CASES, {"status": "closed"}), 400, attr="status")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            admin.post(f"{CASES}{case_id}/take-down/", {"reason": "spam"}, format="json").status_code == 200
        )
    assert_error(
        admin.post(f"{CASES}{case_id}/take-down/", {"reason": "spam"}, format="json"),
        409,
        code="already_taken_down",
    )
    assert_error(admin.get(f"{CASES}424242/"), 404)
    assert ModerationCase.objects.get().taken_down_by == admin_user


def test_you_cannot_report_what_you_cannot_see(auth_client, owner, reporter, shared):
    client = auth_client(reporter)
    # an unknown token, a revoked link, an expired one
    assert_error(report(client, target="not-a-real-token"), 404, code="not_found")
    owner_client = auth_client(owner)
    share_id = owner_client.get(url(shared["project"]["id"], "shares/")).json()["results"][0]["id"]
    assert owner_client.delete(url(shared["project"]["id"], f"shares/{share_id}/")).status_code == 204
    assert_error(report(client, target=shared["token"]), 404, code="not_found")
    # an inactive account's profile, an unknown id
    gone = UserFactory(role="student", is_active=False)
    assert_error(report(client, kind="profile", target=str(gone.pk)), 404)
    assert_error(report(client, kind="profile", target="999999999"), 404)
    # an account whose email is not verified yet may not report
    unverified = UserFactory(role="student", email_verified=False)
    assert_error(report(auth_client(unverified), kind="profile", target=str(owner.pk)), 403)
    assert Report.objects.count() == 0


def test_reports_are_rate_limited_per_account(auth_client, reporter, settings):
    settings.MODERATION_REPORTS_PER_HOUR = 2
    client = auth_client(reporter)
    targets = [UserFactory(role="student") for _ in range(3)]
    for target in targets[:2]:
        assert report(client, kind="profile", target=str(target.pk)).status_code == 201
    limited = report(client, kind="profile", target=str(targets[2].pk))
    assert_error(limited, 429, code="too_many_reports")
    assert int(limited["Retry-After"]) > 0
    # another account is not limited by this one's reports
    assert (
        report(
            auth_client(UserFactory(role="student")), kind="profile", target=str(targets[2].pk)
        ).status_code
        == 201
    )
    assert Report.objects.filter(reporter=reporter).count() == 2


def test_the_queue_runs_constant_queries(auth_client, admin_user, reporter):
    admin = auth_client(admin_user)

    def add_cases(n):
        for _ in range(n):
            target = UserFactory(role="student", display_name="Someone")
            for who in (reporter, UserFactory(role="student")):
                assert report(auth_client(who), kind="profile", target=str(target.pk)).status_code == 201

    add_cases(1)
    admin.get(CASES)  # warm up (content types, roles...)
    with CaptureQueriesContext(connection) as one:
        assert admin.get(CASES).json()["count"] == 1
    add_cases(5)
    with CaptureQueriesContext(connection) as six:
        body = admin.get(CASES).json()
    assert body["count"] == 6 and all(c["open_reports"] == 2 for c in body["results"])
    assert len(six.captured_queries) == len(one.captured_queries), [q["sql"] for q in six.captured_queries]


def test_the_queue_in_the_wagtail_editor(client, admin_user, teacher, reporter, shared, auth_client):
    assert report(auth_client(reporter), target=shared["token"], comment="look at it").status_code == 201
    case = ModerationCase.objects.get()
    client.force_login(admin_user)
    page = client.get("/admin/moderation-queue/")
    assert page.status_code == 200 and b"My site" in page.content
    assert f"/admin/moderation-queue/{case.pk}/".encode() in page.content
    assert b"/admin/moderation-queue/" in client.get("/admin/").content  # in the settings menu
    detail = client.get(f"/admin/moderation-queue/{case.pk}/")
    assert detail.status_code == 200 and b"look at it" in detail.content
    decide = f"/admin/moderation-queue/{case.pk}/decide/"
    assert client.post(decide, {"action": "take_down"}).status_code == 400  # a takedown needs a reason
    assert client.post(decide, {"action": "take_down", "reason": "spam"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "taken_down" and case.taken_down_by == admin_user
    assert client.post(decide, {"action": "take_down", "reason": "spam"}).status_code == 409
    assert client.get(decide).status_code == 405
    client.force_login(teacher)
    for path in ("/admin/moderation-queue/", f"/admin/moderation-queue/{case.pk}/"):
        assert client.get(path).status_code in (302, 403)
    assert client.post(decide, {"action": "restore"}).status_code in (302, 403)
    case.refresh_from_db()
    assert case.state == "taken_down"
