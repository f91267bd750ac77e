"""The one path rule (learning/filepaths.py) that drafts, code runs, projects,
templates and zip imports share: its portable form keeps what drafts accepted and now
also refuses reserved names, through the drafts API itself."""

import pytest

from cms.models import LessonPage
from learning.coding.rules import is_file_name
from learning.filepaths import path_normalise, path_problem, paths_problem


@pytest.mark.parametrize(
    "name", ["index.html", "src/app.js", "a/b/c/d.js", "_private.js", "x-y_z.1.css", "a" * 100]
)
def test_the_portable_form_keeps_what_drafts_accepted(name):
    assert is_file_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "../a.js",
        "a/../b.js",
        "/a.js",
        "a/b/c/d/e.js",
        "caf\u00e9.js",
        "a b.js",
        ".hidden",
        "a..b.js",
        "CON.js",
        "nul",
    ],
)
def test_the_portable_form_refuses(name):
    assert not is_file_name(name)


def test_unicode_is_compared_in_nfc():
    decomposed = "cafe\u0301.html"
    assert path_problem(decomposed) is not None  # not NFC: normalise first
    assert path_problem(path_normalise(decomposed)) is None
    assert paths_problem(["Index.html", "index.html"])[2] == "duplicate_path"
    assert paths_problem(["a.html", "a.html/b.js"])[2] == "path_clash"
    assert paths_problem(["a/b.js"], ["A"]) is None  # a folder of a file's path, named again
    assert paths_problem(["a.js"], ["a.js"])[2] == "path_clash"


@pytest.mark.django_db
def test_a_draft_with_a_reserved_name_is_refused(auth_client, student, build_course):
    lesson = LessonPage.objects.descendant_of(build_course(modules=1, lessons_per_module=1)).live().first()
    response = auth_client(student).put(
        f"/api/v1/lessons/{lesson.pk}/draft/",
        {"files": [{"name": "con.js", "content": "x"}], "version": 0},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_name"
