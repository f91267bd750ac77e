"""The live preview and share links through the real API: the strict headers on every
preview response (files and errors), content types by extension, the signed preview
token (scoped, short-lived, never the access token, no cookie read or set), the
separate preview origin, and share links (hashed, expiring, revocable: 404/410)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from learning.accounts.tests.factories import UserFactory

from ..models import ShareLink
from ..services import share_token_hash
from .helpers import assert_error, create, url, write

pytestmark = pytest.mark.django_db

PAGE = (
    '<!doctype html><link rel="stylesheet" href="css/site.css"><h1>Hi</h1><script src="js/app.js"></script>'
)


def assert_preview_headers(response, prefix: str):
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["sandbox"] == "allow-scripts", csp  # never allow-same-origin
    assert directives["default-src"] == prefix, csp
    assert directives["connect-src"] == "'none'", csp
    assert directives["form-action"] == "'none'" and directives["base-uri"] == "'none'", csp
    assert "/api/v1/" not in directives["default-src"].replace(prefix, ""), csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "X-Frame-Options" not in response  # framing is governed by frame-ancestors


@pytest.fixture
def site(auth_client, student):
    client = auth_client(student)
    project = create(client)
    for path, content in [
        ("index.html", PAGE),
        ("css/site.css", "h1 { color: rgb(255, 0, 0) }"),
        ("js/app.js", "document.title = 'ran'"),
        ("data/info.json", '{"a": 1}'),
        ("README.md", "# <script>alert(1)</script>"),
        ("img/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("notes.txt", "plain"),
    ]:
        project = write(client, project, path, content).json()
    return client, project


def preview_link(client, project) -> str:
    response = client.post(url(project["id"], "preview-link/"))
    assert response.status_code == 201, response.content
    return response.json()["url"]


EXPECTED_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "css/site.css": "text/css; charset=utf-8",
    "js/app.js": "text/javascript; charset=utf-8",
    "data/info.json": "application/json",
    "README.md": "text/plain; charset=utf-8",  # never rendered as HTML
    "img/logo.svg": "image/svg+xml",
    "notes.txt": "text/plain; charset=utf-8",
}


def test_the_owners_preview_serves_each_file_with_its_type_and_the_headers(site):
    client, project = site
    prefix = f"http://testserver/api/v1/projects/{project['id']}/preview/"
    for path, content_type in EXPECTED_TYPES.items():
        response = client.get(url(project["id"], f"preview/{path}"))
        assert response.status_code == 200, (path, response.content)
        assert response["Content-Type"] == content_type, path
        assert_preview_headers(response, prefix)
    index = client.get(url(project["id"], "preview/"))
    assert index.content.decode() == PAGE
    missing = client.get(url(project["id"], "preview/nope.html"))
    assert_error(missing, 404, "not_found")
    assert_preview_headers(missing, prefix)
    anonymous = APIClient().get(url(project["id"], "preview/index.html"))
    assert_error(anonymous, 401)
    assert_preview_headers(anonymous, prefix)


def test_the_token_preview_needs_no_credentials_and_reads_none(site, student):
    client, project = site
    link = preview_link(client, project)
    match = re.fullmatch(r"http://testserver/api/v1/project-preview/([^/]+)/", link)
    assert match, link
    token = match.group(1)
    from learning.accounts.tokens import tokens_for_user

    access = tokens_for_user(student)["access"]
    assert access not in link and token != access
    bare = APIClient()
    for path, content_type in EXPECTED_TYPES.items():
        response = bare.get(f"{link}{path}")
        assert response.status_code == 200 and response["Content-Type"] == content_type, path
        assert_preview_headers(response, link)
    # a bogus Authorization header or session cookie changes nothing (they are not read)
    noisy = APIClient(HTTP_AUTHORIZATION="Bearer not-a-token")
    noisy.cookies["sessionid"] = "whatever"
    assert noisy.get(f"{link}index.html").status_code == 200
    forged = bare.get(f"/api/v1/project-preview/{token[:-2]}xx/index.html")
    assert_error(forged, 404, "not_found")
    assert_preview_headers(forged, f"http://testserver/api/v1/project-preview/{token[:-2]}xx/")


def test_a_preview_token_expires_and_names_one_project(site, settings, auth_client, student):
    client, project = site
    link = preview_link(client, project)
    other = create(client, "Other")
    other = write(client, other, "index.html", "OTHER").json()
    other_link = preview_link(client, other)
    assert APIClient().get(f"{other_link}index.html").content == b"OTHER"
    assert APIClient().get(f"{link}index.html").content.decode() == PAGE
    settings.PROJECT_PREVIEW_TOKEN_SECONDS = -1  # every token is now too old
    assert_error(APIClient().get(f"{link}index.html"), 404)


def test_a_deleted_project_or_another_owner_kills_the_token(site):
    client, project = site
    link = preview_link(client, project)
    from ..models import Project

    Project.objects.filter(pk=project["id"]).update(owner=UserFactory(email="x@example.test"))
    assert_error(APIClient().get(f"{link}index.html"), 404)


def test_with_a_preview_origin_previews_live_only_there(site, settings):
    client, project = site
    settings.PROJECT_PREVIEW_ORIGIN = "http://preview.testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "preview.testserver"]
    link = preview_link(client, project)
    assert link.startswith("http://preview.testserver/api/v1/project-preview/")
    path = link.removeprefix("http://preview.testserver")
    on_preview = APIClient().get(f"{path}index.html", HTTP_HOST="preview.testserver")
    assert on_preview.status_code == 200
    assert_preview_headers(on_preview, link)
    # the platform's host no longer serves token previews...
    assert_error(APIClient().get(f"{path}index.html"), 404)
    # ...and the preview host serves nothing else: not the API, not the editor
    for other in ("/api/v1/auth/me/", f"/api/v1/projects/{project['id']}/", "/admin/", "/api/schema/"):
        response = client.get(other, HTTP_HOST="preview.testserver")
        assert_error(response, 404)


# --- share links -------------------------------------------------------------------


def test_a_share_link_is_read_only_hashed_and_shown_once(site):
    client, project = site
    created = client.post(url(project["id"], "shares/"), {"expires_in_hours": 2}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    token = body["token"]
    assert len(token) >= 40 and body["state"] == "live"
    stored = ShareLink.objects.get(pk=body["id"])
    assert stored.token_hash == share_token_hash(token) and token not in stored.token_hash
    assert timedelta(hours=1, minutes=59) < stored.expires_at - timezone.now() <= timedelta(hours=2)
    listed = client.get(url(project["id"], "shares/")).json()["results"]
    assert "token" not in listed[0] and listed[0]["state"] == "live"
    shared = APIClient().get(f"/api/v1/shared/{token}/")
    assert shared.status_code == 200
    assert {f["path"] for f in shared.json()["files"]} == set(EXPECTED_TYPES)
    assert shared.json()["site_url"] == f"http://testserver/api/v1/shared/{token}/site/"
    page = APIClient().get(f"/api/v1/shared/{token}/site/index.html")
    assert page.status_code == 200 and page.content.decode() == PAGE
    assert_preview_headers(page, f"http://testserver/api/v1/shared/{token}/site/")
    # read-only: no write method on the shared URLs
    assert_error(APIClient().post(f"/api/v1/shared/{token}/", {}, format="json"), 405)
    assert_error(APIClient().put(f"/api/v1/shared/{token}/site/index.html", {}, format="json"), 405)


def test_a_revoked_link_is_gone(site):
    client, project = site
    body = client.post(url(project["id"], "shares/"), {}, format="json").json()
    assert client.delete(url(project["id"], f"shares/{body['id']}/")).status_code == 204
    assert_error(APIClient().get(f"/api/v1/shared/{body['token']}/"), 410, "share_revoked")
    site_page = APIClient().get(f"/api/v1/shared/{body['token']}/site/index.html")
    assert_error(site_page, 410, "share_revoked")
    assert_preview_headers(site_page, f"http://testserver/api/v1/shared/{body['token']}/site/")
    assert client.get(url(project["id"], "shares/")).json()["results"][0]["state"] == "revoked"


def test_an_expired_link_is_gone_and_an_unknown_one_not_found(site):
    client, project = site
    body = client.post(url(project["id"], "shares/"), {}, format="json").json()
    ShareLink.objects.filter(pk=body["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(APIClient().get(f"/api/v1/shared/{body['token']}/"), 410, "share_expired")
    assert_error(APIClient().get(f"/api/v1/shared/{body['token']}/site/"), 410, "share_expired")
    assert_error(APIClient().get("/api/v1/shared/" + "A" * 43 + "/"), 404, "not_found")
    assert_error(APIClient().get("/api/v1/shared/" + "A" * 43 + "/site/index.html"), 404, "not_found")


def test_share_limits_are_settings(site, settings):
    client, project = site
    settings.PROJECT_SHARE_MAX_HOURS = 10
    settings.PROJECT_SHARES_PER_PROJECT = 1
    too_long = client.post(url(project["id"], "shares/"), {"expires_in_hours": 11}, format="json")
    assert_error(too_long, 400, "out_of_range", "expires_in_hours")
    assert (
        client.post(url(project["id"], "shares/"), {}, format="json").status_code == 400
    )  # default 168 > 10
    settings.PROJECT_SHARE_DEFAULT_HOURS = 5
    assert client.post(url(project["id"], "shares/"), {}, format="json").status_code == 201
    assert_error(client.post(url(project["id"], "shares/"), {}, format="json"), 400, "too_many_links")
    assert ShareLink.objects.count() == 1
