"""`ProjectSaved` on every change of a workspace, after commit, through the real API."""

import io
import zipfile

import pytest

from learning.events import ProjectSaved, bus

from .helpers import create, url, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    seen = []
    bus.subscribe(ProjectSaved, seen.append)
    yield seen
    bus.unsubscribe(ProjectSaved, seen.append)


def test_every_change_of_a_workspace_publishes_project_saved(
    auth_client, student, saved, django_capture_on_commit_callbacks
):
    client = auth_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        project = create(client)
        steps = [
            lambda v: write(client, project, "about.html", "<p>hi</p>", version=v),
            lambda v: client.post(
                url(project["id"], "folders/"), {"path": "img", "version": v}, format="json"
            ),
            lambda v: client.post(
                url(project["id"], "files/move/"),
                {"path": "about.html", "new_path": "me.html", "version": v},
                format="json",
            ),
            lambda v: client.post(
                url(project["id"], "files/delete/"), {"path": "img", "version": v}, format="json"
            ),
            lambda v: client.patch(url(project["id"]), {"title": "Renamed", "version": v}, format="json"),
        ]
        version = project["version"]
        for step in steps:
            response = step(version)
            assert response.status_code == 200, response.content
            version = response.json()["version"]
        point = client.post(url(project["id"], "save-points/"), {"name": "v"}, format="json").json()
        restored = client.post(
            url(project["id"], f"save-points/{point['id']}/restore/"), {"version": version}, format="json"
        )
        assert restored.status_code == 200, restored.content
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.html", "<h1>zip</h1>")
        upload = io.BytesIO(buffer.getvalue())
        upload.name = "site.zip"
        imported = client.post(url() + "import/", {"file": upload, "title": "Zip"}, format="multipart")
        assert imported.status_code == 201, imported.content
    mine = [e for e in saved if e.project_id == project["id"]]
    # made, 5 changes, the restore (a save point itself changes no file)
    assert [e.version for e in mine] == list(range(project["version"], restored.json()["version"] + 1))
    assert {e.user_id for e in saved} == {student.pk}
    assert saved[-1].project_id == imported.json()["id"]


def test_a_refused_change_publishes_nothing(auth_client, student, saved, django_capture_on_commit_callbacks):
    client = auth_client(student)
    project = create(client)
    with django_capture_on_commit_callbacks(execute=True):
        stale = write(client, project, "a.html", "x", version=project["version"] + 5)
        traversal = write(client, project, "../a.html", "x")
    assert stale.status_code == 409 and traversal.status_code == 400
    assert saved == []
