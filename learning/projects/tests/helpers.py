"""Helpers of the projects tests: URLs and a project made through the real API."""

from learning.accounts.tests.helpers import assert_error  # noqa: F401 (re-exported for the tests)

BASE = "/api/v1/projects/"


def url(project_id=None, suffix="") -> str:
    return f"{BASE}{project_id}/{suffix}" if project_id else BASE


def create(client, title="Site", **extra) -> dict:
    response = client.post(BASE, {"title": title, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def write(client, project: dict, path: str, content: str, version=None):
    return client.post(
        url(project["id"], "files/write/"),
        {"path": path, "content": content, "version": project["version"] if version is None else version},
        format="json",
    )
