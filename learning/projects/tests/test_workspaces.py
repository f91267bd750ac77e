"""Project workspaces through the real API: create (blank, from a template), files and
folders (write, move, delete), optimistic concurrency, limits, save points, ownership,
constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.factories import UserFactory

from ..models import Project, ProjectTemplate, ProjectTemplateFile
from .helpers import BASE, assert_error, create, url, write

pytestmark = pytest.mark.django_db


def test_a_blank_project_starts_with_an_index_page(auth_client, student):
    body = create(auth_client(student), "My site")
    assert body["title"] == "My site" and body["version"] == 1
    assert [f["path"] for f in body["files"]] == ["index.html"]
    assert "<h1>" in body["files"][0]["content"]
    assert body["total_bytes"] == len(body["files"][0]["content"].encode())


def test_a_project_from_a_template_copies_its_files_and_course(auth_client, student, build_course):
    course = build_course(title="Web basics")
    template = ProjectTemplate.objects.create(title="Portfolio", course=course)
    ProjectTemplateFile.objects.create(
        template=template, path="index.html", content="<p>hi</p>", sort_order=0
    )
    ProjectTemplateFile.objects.create(template=template, path="css/site.css", content="p{}", sort_order=1)
    client = auth_client(student)
    listed = client.get(url(suffix="") + "templates/").json()
    assert [t["title"] for t in listed["results"]] == ["Portfolio"]
    body = create(client, "Mine", template_id=template.pk)
    assert {f["path"]: f["content"] for f in body["files"]} == {
        "index.html": "<p>hi</p>",
        "css/site.css": "p{}",
    }
    assert body["template_id"] == template.pk and body["course_id"] == course.pk


def test_a_template_of_an_unpublished_course_is_not_offered(auth_client, student, build_course):
    course = build_course(title="Hidden")
    course.unpublish()
    template = ProjectTemplate.objects.create(title="Secret", course=course)
    ProjectTemplateFile.objects.create(template=template, path="index.html", content="x")
    client = auth_client(student)
    assert client.get(BASE + "templates/").json()["results"] == []
    assert_error(client.post(BASE, {"title": "x", "template_id": template.pk}, format="json"), 404)


def test_write_move_and_delete_files_and_folders(auth_client, student):
    client = auth_client(student)
    project = create(client)
    project = write(client, project, "js/app.js", "console.log(1)").json()
    project = write(client, project, "css/site.css", "h1 { color: red }").json()
    assert project["version"] == 3
    folder = client.post(url(project["id"], "folders/"), {"path": "img", "version": 3}, format="json").json()
    assert folder["folders"] == ["img"]
    moved = client.post(
        url(project["id"], "files/move/"), {"path": "js", "new_path": "scripts", "version": 4}, format="json"
    ).json()
    assert "scripts/app.js" in [f["path"] for f in moved["files"]]
    renamed = client.post(
        url(project["id"], "files/move/"),
        {"path": "index.html", "new_path": "home.html", "version": 5},
        format="json",
    ).json()
    assert sorted(f["path"] for f in renamed["files"]) == ["css/site.css", "home.html", "scripts/app.js"]
    gone = client.post(
        url(project["id"], "files/delete/"), {"path": "css", "version": 6}, format="json"
    ).json()
    assert sorted(f["path"] for f in gone["files"]) == ["home.html", "scripts/app.js"]
    assert gone["version"] == 7
    missing = client.post(
        url(project["id"], "files/delete/"), {"path": "nope.js", "version": 7}, format="json"
    )
    assert_error(missing, 400, "not_found", "path")


def test_a_move_onto_an_existing_name_is_refused(auth_client, student):
    client = auth_client(student)
    project = write(client, create(client), "About.html", "a").json()
    clash = client.post(
        url(project["id"], "files/move/"),
        {"path": "index.html", "new_path": "about.html", "version": project["version"]},
        format="json",
    )
    assert_error(clash, 400, "exists", "new_path")
    into_itself = client.post(
        url(project["id"], "folders/"), {"path": "a", "version": project["version"]}, format="json"
    ).json()
    loop = client.post(
        url(project["id"], "files/move/"),
        {"path": "a", "new_path": "a/b", "version": into_itself["version"]},
        format="json",
    )
    assert_error(loop, 400, "invalid_path", "new_path")


def test_two_tabs_never_overwrite_each_other(auth_client, student):
    tab_a, tab_b = auth_client(student), auth_client(student)
    project = create(tab_a)
    assert write(tab_a, project, "index.html", "A").status_code == 200
    stale = write(tab_b, project, "index.html", "B")  # tab B still holds version 1
    body = assert_error(stale, 409, "version_conflict", "version")
    assert body["current_version"] == 2
    assert Project.objects.get(pk=project["id"]).files[0]["content"] == "A"
    rename = tab_b.patch(url(project["id"]), {"title": "New", "version": 1}, format="json")
    assert_error(rename, 409, "version_conflict")
    assert (
        tab_b.patch(url(project["id"]), {"title": "New", "version": 2}, format="json").json()["title"]
        == "New"
    )


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("../evil.html", "path_traversal"),
        ("a/../../evil.html", "path_traversal"),
        ("./index.html", "path_traversal"),
        ("/etc/passwd.txt", "absolute_path"),
        ("C:/windows.txt", "absolute_path"),
        ("a\\b.html", "invalid_path"),
        ("a\x01b.html", "invalid_path"),
        ("a\u202eb.html", "invalid_path"),  # right-to-left override: displays as another name
        ("CON.html", "reserved_name"),
        ("css/nul.css", "reserved_name"),
        ("com1.txt", "reserved_name"),
        ("a//b.html", "invalid_path"),
        ("dir/", "invalid_path"),
        ("trailing.html ", "invalid_path"),
        ("a/b/c/d/e/f/g/h/i.html", "path_too_deep"),
        ("x" * 150 + "/" + "y" * 60 + ".html", "path_too_long"),
        ("a" * 101 + ".html", "path_too_long"),
        ("script.py", "unsupported_extension"),
        ("Makefile", "unsupported_extension"),
    ],
)
def test_bad_paths_are_refused_with_their_code(auth_client, student, path, code):
    client = auth_client(student)
    project = create(client)
    assert_error(write(client, project, path, "x"), 400, code, "path")
    assert Project.objects.get(pk=project["id"]).version == 1


def test_a_nul_in_a_path_is_refused_at_the_edge(auth_client, student):
    client = auth_client(student)
    project = create(client)
    assert_error(write(client, project, "a\x00.html", "x"), 400, "invalid_unicode")


def test_unicode_paths_are_stored_nfc_and_case_duplicates_refused(auth_client, student):
    client = auth_client(student)
    project = create(client)
    decomposed = "cafe\u0301.html"  # "café" with a combining accent
    saved = write(client, project, decomposed, "x").json()
    assert "caf\u00e9.html" in [f["path"] for f in saved["files"]]
    # the composed spelling names the same file: it is replaced, not added
    again = write(client, saved, "caf\u00e9.html", "y").json()
    assert [f["path"] for f in again["files"]].count("caf\u00e9.html") == 1
    clash = write(client, again, "INDEX.html", "z")
    assert_error(clash, 400, "duplicate_path", "path")
    under_a_file = write(client, again, "index.html/x.js", "z")
    assert_error(under_a_file, 400, "path_clash", "path")


def test_binary_text_is_refused(auth_client, student):
    client = auth_client(student)
    assert_error(write(client, create(client), "a.js", "x\x07y"), 400, "binary", "content")


def test_limits_are_settings_and_nothing_is_written_above_them(auth_client, student, settings):
    client = auth_client(student)
    project = write(client, create(client), "index.html", "hi").json()
    settings.PROJECT_MAX_FILE_BYTES = 100
    settings.PROJECT_MAX_BYTES = 250
    settings.PROJECT_MAX_FILES = 4
    assert_error(write(client, project, "a.js", "x" * 101), 400, "file_too_large", "content")
    settings.PROJECT_MAX_FILE_BYTES = 1000
    project = write(client, project, "a.js", "x" * 100).json()
    project = write(client, project, "b.js", "x" * 100).json()
    assert_error(write(client, project, "c.js", "x" * 100), 400, "project_too_large")
    settings.PROJECT_MAX_BYTES = 10_000
    settings.PROJECT_MAX_FILES = 3
    assert_error(write(client, project, "c.js", "x"), 400, "too_many_files")
    stored = Project.objects.get(pk=project["id"])
    assert stored.version == project["version"] and len(stored.files) == 3


def test_projects_per_user_is_a_limit(auth_client, student, settings):
    settings.PROJECT_MAX_PER_USER = 2
    client = auth_client(student)
    create(client, "one")
    create(client, "two")
    assert_error(client.post(BASE, {"title": "three"}, format="json"), 400, "too_many_projects")
    assert Project.objects.filter(owner=student).count() == 2


def test_save_points_restore_and_are_capped(auth_client, student, settings):
    settings.PROJECT_SAVE_POINTS_KEPT = 2
    client = auth_client(student)
    project = create(client)
    first = client.post(url(project["id"], "save-points/"), {"name": "first"}, format="json")
    assert first.status_code == 201 and first.json()["project_version"] == 1
    project = write(client, project, "index.html", "changed").json()
    client.post(url(project["id"], "save-points/"), {"name": "second"}, format="json")
    client.post(url(project["id"], "save-points/"), {"name": "third"}, format="json")
    listed = client.get(url(project["id"], "save-points/")).json()["results"]
    assert [p["name"] for p in listed] == ["third", "second"]  # the oldest went
    project = write(client, project, "index.html", "later").json()
    point = listed[1]
    stale = client.post(
        url(project["id"], f"save-points/{point['id']}/restore/"), {"version": 1}, format="json"
    )
    assert_error(stale, 409, "version_conflict")
    restored = client.post(
        url(project["id"], f"save-points/{point['id']}/restore/"),
        {"version": project["version"]},
        format="json",
    ).json()
    assert restored["files"][0]["content"] == "changed" and restored["version"] == project["version"] + 1
    assert client.delete(url(project["id"], f"save-points/{point['id']}/")).status_code == 204
    assert len(client.get(url(project["id"], "save-points/")).json()["results"]) == 1


def test_a_learner_never_reaches_another_learners_project(auth_client, student):
    owner = UserFactory(email="owner@example.test", role="student")
    theirs = create(auth_client(owner), "Theirs")
    point = auth_client(owner).post(url(theirs["id"], "save-points/"), {"name": "p"}, format="json").json()
    share = auth_client(owner).post(url(theirs["id"], "shares/"), {}, format="json").json()
    me = auth_client(student)
    pid = theirs["id"]
    attempts = [
        me.get(url(pid)),
        me.patch(url(pid), {"title": "mine now", "version": 1}, format="json"),
        me.delete(url(pid)),
        write(me, theirs, "index.html", "defaced"),
        me.post(url(pid, "files/delete/"), {"path": "index.html", "version": 1}, format="json"),
        me.post(
            url(pid, "files/move/"), {"path": "index.html", "new_path": "x.html", "version": 1}, format="json"
        ),
        me.post(url(pid, "folders/"), {"path": "x", "version": 1}, format="json"),
        me.get(url(pid, "save-points/")),
        me.post(url(pid, "save-points/"), {"name": "x"}, format="json"),
        me.post(url(pid, f"save-points/{point['id']}/restore/"), {"version": 1}, format="json"),
        me.delete(url(pid, f"save-points/{point['id']}/")),
        me.get(url(pid, "export/")),
        me.get(url(pid, "shares/")),
        me.post(url(pid, "shares/"), {}, format="json"),
        me.delete(url(pid, f"shares/{share['id']}/")),
        me.post(url(pid, "preview-link/")),
        me.get(url(pid, "preview/index.html")),
    ]
    for response in attempts:
        assert_error(response, 404)
    stored = Project.objects.get(pk=pid)
    assert stored.title == "Theirs" and stored.version == 1 and stored.save_points.count() == 1
    assert stored.share_links.get().revoked_at is None
    assert [p["id"] for p in me.get(BASE).json()["results"]] == []


def test_unknown_fields_are_refused(auth_client, student):
    client = auth_client(student)
    project = create(client)
    bad = client.post(
        url(project["id"], "files/write/"),
        {"path": "a.js", "content": "", "version": 1, "mode": "x"},
        format="json",
    )
    assert_error(bad, 400, "unknown_field")


@pytest.mark.usefixtures("uncached_users")
def test_the_list_runs_a_constant_number_of_queries(auth_client, student):
    client = auth_client(student)
    create(client, "one")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(BASE).json()["results"]) == 1
    for i in range(8):
        create(client, f"p{i}")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(BASE).json()["results"]) == 9
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.usefixtures("uncached_users")
def test_save_point_and_share_lists_run_constant_queries(auth_client, student):
    client = auth_client(student)
    project = create(client)
    client.post(url(project["id"], "save-points/"), {"name": "a"}, format="json")
    client.post(url(project["id"], "shares/"), {}, format="json")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as points:
            client.get(url(project["id"], "save-points/"))
        with CaptureQueriesContext(connection) as shares:
            client.get(url(project["id"], "shares/"))
        counts.append((len(points.captured_queries), len(shares.captured_queries)))
        for i in range(5):
            client.post(url(project["id"], "save-points/"), {"name": f"n{i}"}, format="json")
            client.post(url(project["id"], "shares/"), {}, format="json")
    assert counts[0] == counts[1]


def test_the_course_selector_gives_every_text_file_of_its_projects(auth_client, student, build_course):
    from ..selectors import project_text_files_of_course

    course = build_course(title="Sim")
    template = ProjectTemplate.objects.create(title="T", course=course)
    ProjectTemplateFile.objects.create(template=template, path="index.html", content="<p>x</p>")
    mine = create(auth_client(student), "a", template_id=template.pk)
    other = UserFactory(email="o@example.test", role="student")
    create(auth_client(other), "b", template_id=template.pk)
    create(auth_client(other), "not in the course")
    rows = project_text_files_of_course(course_id=course.pk)
    assert [(r["project_id"] == mine["id"], r["path"]) for r in rows] == [
        (True, "index.html"),
        (False, "index.html"),
    ]
    assert {r["owner_id"] for r in rows} == {student.pk, other.pk}


@pytest.mark.parametrize("role", ["student", "teacher", "admin_user"])
def test_every_role_works_in_its_own_projects(auth_client, role, request):
    """Teachers and admins keep projects of their own like learners; they reach no one
    else's (test_a_learner_never_reaches_another_learners_project, the permission matrix)."""
    user = request.getfixturevalue(role)
    client = auth_client(user)
    project = create(client)
    assert client.get(url(project["id"])).status_code == 200
    project = write(client, project, "a.js", "1").json()
    assert client.get(url(project["id"], "preview/a.js")).status_code == 200
    assert client.get(url(project["id"], "export/")).status_code == 200
    assert client.post(url(project["id"], "save-points/"), {"name": "x"}, format="json").status_code == 201
    assert client.post(url(project["id"], "shares/"), {}, format="json").status_code == 201
    assert client.delete(url(project["id"])).status_code == 204
    assert not Project.objects.filter(pk=project["id"]).exists()


def test_an_unverified_account_may_not_use_projects(auth_client):
    unverified = UserFactory(email="new@example.test", role="student", email_verified=False)
    assert_error(auth_client(unverified).get(BASE), 403, "email_not_verified")
    assert_error(auth_client(unverified).post(BASE, {"title": "x"}, format="json"), 403)
