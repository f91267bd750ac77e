"""Permission-matrix rows of projects (learning/projects): a learner's own projects, their
files, save points, shares and previews, and the token URLs. Setups:
learning/projects/tests/matrix.py."""

from learning.projects.tests import matrix as projects_matrix
from tests.permission_matrix.core import Row, everyone, signed_in

ROWS: list[Row] = [
    # --- projects (learning/projects/tests/matrix.py: "other" owns the project; a
    # project is its owner's alone, so every other caller, staff included, gets 404) ---
    Row("GET", "/api/v1/projects/", signed_in(200)),
    Row("POST", "/api/v1/projects/", signed_in(201), {"title": "Mine"}),
    Row("GET", "/api/v1/projects/templates/", signed_in(200)),
    Row(
        "POST", "/api/v1/projects/import/", signed_in(400), {"title": "x"}, format="multipart", note="no file"
    ),
    Row("GET", "/api/v1/projects/{others_project}/", signed_in(404), setup=projects_matrix.others_project),
    Row(
        "PATCH",
        "/api/v1/projects/{others_project}/",
        signed_in(404),
        {"title": "mine", "version": 1},
        setup=projects_matrix.others_project,
    ),
    Row("DELETE", "/api/v1/projects/{others_project}/", signed_in(404), setup=projects_matrix.others_project),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/files/write/",
        signed_in(404),
        {"path": "index.html", "content": "x", "version": 1},
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/files/delete/",
        signed_in(404),
        {"path": "index.html", "version": 1},
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/files/move/",
        signed_in(404),
        {"path": "index.html", "new_path": "a.html", "version": 1},
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/folders/",
        signed_in(404),
        {"path": "css", "version": 1},
        setup=projects_matrix.others_project,
    ),
    Row(
        "GET",
        "/api/v1/projects/{others_project}/save-points/",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/save-points/",
        signed_in(404),
        {"name": "x"},
        setup=projects_matrix.others_project,
    ),
    Row(
        "DELETE",
        "/api/v1/projects/{others_project}/save-points/{others_save_point}/",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/save-points/{others_save_point}/restore/",
        signed_in(404),
        {"version": 1},
        setup=projects_matrix.others_project,
    ),
    Row(
        "GET",
        "/api/v1/projects/{others_project}/export/",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    Row(
        "GET",
        "/api/v1/projects/{others_project}/shares/",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/shares/",
        signed_in(404),
        {},
        setup=projects_matrix.others_project,
    ),
    Row(
        "DELETE",
        "/api/v1/projects/{others_project}/shares/{others_share}/",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    Row(
        "POST",
        "/api/v1/projects/{others_project}/preview-link/",
        signed_in(404),
        {},
        setup=projects_matrix.others_project,
    ),
    Row(
        "GET",
        "/api/v1/projects/{others_project}/preview/index.html",
        signed_in(404),
        setup=projects_matrix.others_project,
    ),
    # the token URLs: the token is the permission, whoever asks (no credential is read)
    Row(
        "GET",
        "/api/v1/project-preview/{preview_token}/index.html",
        everyone(200),
        setup=projects_matrix.others_project,
    ),
    Row("GET", "/api/v1/project-preview/forged/index.html", everyone(404), note="forged token"),
    Row("GET", "/api/v1/shared/{live_share_token}/", everyone(200), setup=projects_matrix.others_project),
    Row(
        "GET", "/api/v1/shared/{live_share_token}/site/", everyone(200), setup=projects_matrix.others_project
    ),
    Row(
        "POST", "/api/v1/shared/{live_share_token}/", everyone(405), {}, setup=projects_matrix.others_project
    ),
    Row(
        "GET",
        "/api/v1/shared/{revoked_share_token}/",
        everyone(410),
        setup=projects_matrix.others_project,
        note="revoked",
    ),
    Row(
        "GET",
        "/api/v1/shared/{revoked_share_token}/site/index.html",
        everyone(410),
        setup=projects_matrix.others_project,
        note="revoked",
    ),
    Row("GET", "/api/v1/shared/unknown-token/", everyone(404)),
]
