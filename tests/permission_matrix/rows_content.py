"""Permission-matrix rows of content (cms): the course and lesson API, Wagtail's page,
image and document API, attachment downloads, the preview token, the publishing
workflow's moderation and authoring. Setups: cms/tests/matrix.py."""

from cms.tests import matrix as cms_matrix
from tests.permission_matrix.core import Row, authors, everyone, signed_in

ROWS: list[Row] = [
    # --- content ---
    # (cms/tests/matrix.py builds the objects; "teacher" owns draft_*, another teacher owns other_*)
    Row("GET", "/api/v1/courses/", signed_in(200)),
    Row("GET", "/api/v1/courses/{live}/", signed_in(200), setup=cms_matrix.live_course),
    Row("GET", "/api/v1/lessons/{live_lesson}/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET", "/api/v1/courses/{draft_course}/", signed_in(404), setup=cms_matrix.teacher_draft, note="draft"
    ),
    Row(
        "GET", "/api/v1/lessons/{draft_lesson}/", signed_in(404), setup=cms_matrix.teacher_draft, note="draft"
    ),
    Row(
        "GET", "/api/cms/pages/{draft_course}/", signed_in(404), setup=cms_matrix.teacher_draft, note="draft"
    ),
    Row("GET", "/api/cms/pages/{live}/", signed_in(200), setup=cms_matrix.live_course),
    # Wagtail's page API serves lesson bodies: verified email like /api/v1/lessons/ (see
    # test_unverified_account_gets_no_lesson_content in tests/test_permission_matrix.py for the
    # unverified caller)
    Row("GET", "/api/cms/pages/", signed_in(200), setup=cms_matrix.live_course),
    Row("GET", "/api/cms/pages/{live_lesson}/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET", "/api/cms/pages/{draft_lesson}/", signed_in(404), setup=cms_matrix.teacher_draft, note="draft"
    ),
    Row("GET", "/api/cms/images/{image}/", authors(200), setup=cms_matrix.image),
    Row("GET", "/api/cms/documents/{document}/", authors(200), setup=cms_matrix.draft_document),
    # attachment downloads (cms/documents.py): drafts' for editors, published lessons' for learners
    Row(
        "GET",
        "/documents/{document}/{document_name}",
        {"anonymous": 404, "student": 404, "teacher": 200, "admin": 200},
        setup=cms_matrix.draft_document,
        note="draft lesson's attachment",
    ),
    Row(
        "GET",
        "/documents/{live_document}/{live_document_name}",
        signed_in(200, anonymous=404),
        setup=cms_matrix.live_document,
    ),
    Row("GET", "/api/cms/images/", authors(200)),
    Row("GET", "/api/cms/documents/", authors(200)),
    Row("GET", "/api/v1/preview/?content_type=cms.lessonpage&token=forged", everyone(404)),
    Row("GET", "/api/v1/moderation/", {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200}),
    Row(
        "POST",
        "/api/v1/moderation/{task}/approve/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        {},
        setup=cms_matrix.in_review,
    ),
    Row(
        "POST",
        "/api/v1/moderation/{task}/reject/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        {"comment": "Needs an example."},
        setup=cms_matrix.in_review,
    ),
    Row("GET", "/api/v1/authoring/courses/", authors(200)),
    Row(
        "POST",
        "/api/v1/authoring/courses/",
        authors(201),
        {"title": "New", "summary": "s"},
        setup=cms_matrix.catalog,
    ),
    Row(
        "GET",
        "/api/v1/authoring/courses/{draft_course}/",
        authors(200, other_teacher=404),
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "GET",
        "/api/v1/authoring/courses/{other_course}/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=cms_matrix.other_draft,
        note="other teacher's draft",
    ),
    Row(
        "PATCH",
        "/api/v1/authoring/lessons/{other_lesson}/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        {"title": "Edited"},
        setup=cms_matrix.other_draft,
        note="other teacher's draft",
    ),
    Row(
        "PATCH",
        "/api/v1/authoring/modules/{draft_module}/",
        authors(200, other_teacher=404),
        {"summary": "Edited"},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "POST",
        "/api/v1/authoring/lessons/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 201},
        {"parent": "{other_module}", "title": "Intruder"},
        setup=cms_matrix.other_draft,
        note="into other teacher's module",
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/lessons/{draft_lesson}/",
        authors(204, other_teacher=404),
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/lessons/{live_lesson}/",
        {"anonymous": 401, "student": 403, "teacher": 403, "other_teacher": 404, "admin": 204},
        setup=cms_matrix.live_course,
        note="published: admins only",
    ),
    Row(
        "POST",
        "/api/v1/authoring/pages/{draft_course}/submit/",
        authors(200, other_teacher=404),
        {},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "POST",
        "/api/v1/authoring/pages/{draft_course}/publish/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        {},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "POST",
        "/api/v1/authoring/pages/{live}/unpublish/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        {},
        setup=cms_matrix.live_course,
    ),
    Row(
        "PUT",
        "/api/v1/authoring/courses/{draft_course}/owners/",
        {"anonymous": 401, "student": 403, "teacher": 403, "admin": 200},
        {"owners": []},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "POST",
        "/api/v1/authoring/import/",
        authors(201),
        {"title": "Imported", "summary": "s"},
        setup=cms_matrix.catalog,
    ),
    Row(
        "POST",
        "/api/v1/authoring/documents/",
        authors(400),
        {},
        format="multipart",
        note="no file",
    ),
    # --- rows the URL walk (test_every_endpoint_has_a_row) found missing ---
    # Wagtail's page API: `find` redirects to the object's detail URL
    Row("GET", "/api/cms/pages/find/?id={live}", signed_in(302), setup=cms_matrix.live_course),
    Row("GET", "/api/cms/images/find/?id={image}", authors(302), setup=cms_matrix.image),
    Row("GET", "/api/cms/documents/find/?id={document}", authors(302), setup=cms_matrix.draft_document),
    # authoring
    Row(
        "PATCH",
        "/api/v1/authoring/courses/{draft_course}/",
        authors(200, other_teacher=404),
        {"summary": "Edited"},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/courses/{draft_course}/",
        {"anonymous": 401, "student": 403, "teacher": 403, "other_teacher": 404, "admin": 204},
        setup=cms_matrix.teacher_draft,
        note="has pages below it: Wagtail lets only admins delete those",
    ),
    Row(
        "POST",
        "/api/v1/authoring/modules/",
        authors(201, other_teacher=404),
        {"parent": "{draft_course}", "title": "Another module"},
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "GET",
        "/api/v1/authoring/modules/{draft_module}/",
        authors(200, other_teacher=404),
        setup=cms_matrix.teacher_draft,
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/modules/{draft_module}/",
        {"anonymous": 401, "student": 403, "teacher": 403, "other_teacher": 404, "admin": 204},
        setup=cms_matrix.teacher_draft,
        note="has pages below it: Wagtail lets only admins delete those",
    ),
    Row(
        "GET",
        "/api/v1/authoring/lessons/{draft_lesson}/",
        authors(200, other_teacher=404),
        setup=cms_matrix.teacher_draft,
    ),
    Row("POST", "/api/v1/authoring/images/", authors(400), {}, format="multipart", note="no file"),
]
