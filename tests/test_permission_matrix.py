"""The permission matrix: for every endpoint and method, the status each kind of caller
gets. One row per (endpoint, method); columns are the callers:

    anonymous      no token
    student        a verified student
    teacher        a verified teacher, the owner of the row's objects (their course's)
    other_teacher  a verified teacher who owns nothing the row's setup builds
    admin          an admin (group member, not superuser)

URLs and bodies may use placeholders, filled per caller:
    {me}     the caller's own user id (for anonymous: another user's id)
    {other}  the id of "other", a teacher who is not a caller and owns the setups'
             "someone else's" objects ({other_course}, {other_challenge}, ...)
Areas add their rows to ROWS in their own `ROWS += [...]` section (new areas: a module
tests/permission_matrix/rows_<area>.py with its own ROWS list, collected by area_rows()), with a `setup`
callable when a row needs objects: it gets the users dict (the callers by name, and
"other") and returns extra placeholder values; a value may be a dict by caller name,
for "the caller's own object" (e.g. {my_attempt}): then it needs an entry for every
caller but anonymous (who gets someone else's), "other_teacher" included.

Writing a row (tests/permission_matrix/core.py):
    Row(method, url, expect, body=None, format="json", setup=None, note="", extra={})
where `expect` comes from a helper or is a dict by caller:
    everyone(200)                       the same for all five callers
    signed_in(200)                      401 for anonymous; other_teacher= to override
    authors(200)                        teachers and admins; 403 for students
    authors(200, other_teacher=404)     ... but the row's object is the owner's
    admins_only(200)                    403 for everyone else signed in
    {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200}
A dict without "other_teacher" gives them the owner's ("teacher") status: say otherwise
whenever the row's object belongs to "teacher" (another teacher gets 403/404).

Every 4xx answer must also be in the one error shape. Requests carry real access JWTs.
test_every_endpoint_has_a_row fails for any URL pattern x method without a row (see
EXCLUDED below for what needs none); docs/permission-matrix.md is rendered from ROWS.
"""

import pytest
from django.views.generic.edit import ProcessFormView

from cms.tests import matrix as cms_matrix
from learning.accounts.tests import matrix as accounts_matrix
from learning.accounts.tests.helpers import assert_error
from learning.assessments.tests import analysis_matrix
from learning.assessments.tests import matrix as assessments_matrix
from learning.audit.tests import matrix as audit_matrix
from learning.coding.tests import matrix as coding_matrix
from learning.moderation.tests import matrix as moderation_matrix
from learning.notifications.announcements.tests import matrix as announcements_matrix
from learning.notifications.tests import matrix as notifications_matrix
from learning.projects.tests import matrix as projects_matrix
from learning.recordings.tests import matrix as recordings_matrix
from learning.recordings.tests import matrix_timeline as rec_timeline_matrix
from learning.rewards.certificates.tests import matrix as certificates_matrix
from learning.rewards.openbadges.tests import matrix as openbadges_matrix
from learning.rewards.tests import matrix as rewards_matrix
from tests.permission_matrix import coverage
from tests.permission_matrix.core import (  # noqa: F401  (the row API, for every ROWS section)
    CALLERS,
    Row,
    admins_only,
    area_rows,
    authors,
    check_cell,
    everyone,
    signed_in,
    statuses,
)
from tutor.tests import matrix as tutor_matrix

ROWS: list[Row] = [
    # --- the API docs: public pages (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]) ---
    Row("GET", "/api/docs/", everyone(200)),
    Row("GET", "/api/redoc/", everyone(200)),
    # --- accounts: /api/v1/auth/ ---
    Row("GET", "/api/v1/auth/me/", signed_in(200)),
    Row("PATCH", "/api/v1/auth/me/", signed_in(200), {"bio": "hello"}),
    Row("PUT", "/api/v1/auth/me/", signed_in(405)),
    Row("DELETE", "/api/v1/auth/me/avatar/", signed_in(204)),
    Row("PUT", "/api/v1/auth/me/avatar/", signed_in(400), {}, format="multipart", note="no file"),
    Row("GET", "/api/v1/auth/profiles/{other}/", signed_in(200)),
    Row(
        "PATCH", "/api/v1/auth/profiles/{other}/", signed_in(403), {"bio": "not mine"}, note="other's object"
    ),
    Row("PATCH", "/api/v1/auth/profiles/{me}/", signed_in(200), {"bio": "mine"}),
    Row("DELETE", "/api/v1/auth/profiles/{other}/", signed_in(405)),
    Row(
        "POST",
        "/api/v1/auth/password/change/",
        signed_in(400),
        {"current_password": "not-the-password", "new_password": "quartz-Lantern-meadow-64"},
    ),
    # public endpoints: the same for everyone; an Authorization header changes nothing
    Row("POST", "/api/v1/auth/signup/", everyone(400), {"email": "not-an-email"}),
    Row("POST", "/api/v1/auth/login/", everyone(401), {"email": "nobody@example.test", "password": "x"}),
    Row("POST", "/api/v1/auth/refresh/", everyone(401), {"refresh": "not-a-token"}),
    Row("POST", "/api/v1/auth/logout/", everyone(401), {"refresh": "not-a-token"}),
    Row("POST", "/api/v1/auth/verify-email/", everyone(400), {"email": "a@example.test", "code": "123456"}),
    Row("POST", "/api/v1/auth/verify-email/resend/", everyone(202), {"email": "a@example.test"}),
    Row("POST", "/api/v1/auth/password/reset/", everyone(202), {"email": "a@example.test"}),
    Row(
        "POST",
        "/api/v1/auth/password/reset/confirm/",
        everyone(400),
        {"email": "a@example.test", "code": "123456", "new_password": "quartz-Lantern-meadow-64"},
    ),
    Row("GET", "/api/v1/auth/login/", everyone(405)),
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
    # test_unverified_account_gets_no_lesson_content below for the unverified caller)
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
    # --- progress ---
    Row("GET", "/api/v1/me/courses/", signed_in(200)),
    Row("POST", "/api/v1/courses/{live}/enrollment/", signed_in(201), {}, setup=cms_matrix.live_course),
    Row("DELETE", "/api/v1/courses/{live}/enrollment/", signed_in(204), setup=cms_matrix.live_course),
    Row(
        "POST",
        "/api/v1/courses/{draft_course}/enrollment/",
        signed_in(404),
        {},
        setup=cms_matrix.teacher_draft,
        note="draft",
    ),
    Row("GET", "/api/v1/courses/{live}/resume/", signed_in(200), setup=cms_matrix.live_course),
    Row("GET", "/api/v1/courses/{live}/progress/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET",
        "/api/v1/courses/{draft_course}/resume/",
        signed_in(404),
        setup=cms_matrix.teacher_draft,
        note="draft",
    ),
    Row(
        "POST",
        "/api/v1/progress/events/",
        signed_in(200),
        {
            "event_id": "0b7e6a43-6f0e-4f55-9d55-3d8f0f3f2a11",
            "type": "lesson_viewed",
            "lesson_id": "{live_lesson}",
            "occurred_at": "2026-01-01T00:00:00Z",
        },
        setup=cms_matrix.live_course,
        note="not enrolled: rejected per item, 200",
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{live}/progress/",
        authors(200, other_teacher=404),
        setup=cms_matrix.live_course,
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{other_course}/progress/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=cms_matrix.other_draft,
        note="other teacher's course",
    ),
    # --- coding ---
    Row("POST", "/api/v1/code/run/", signed_in(200), {"language": "javascript", "source": "1"}),
    Row("POST", "/api/v1/code/run/", signed_in(400), {"language": "cobol", "source": "1"}, note="bad input"),
    Row(
        "GET",
        "/api/v1/lessons/{live_lesson}/draft/",
        signed_in(200),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "GET",
        "/api/v1/lessons/{draft_lesson}/draft/",
        signed_in(404),
        setup=cms_matrix.teacher_draft,
        note="draft",
    ),
    Row(
        "GET",
        "/api/v1/lessons/{live_lesson}/challenges/",
        signed_in(200),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row("GET", "/api/v1/challenges/{challenge}/", signed_in(200), setup=coding_matrix.lesson_with_challenge),
    Row(
        "POST",
        "/api/v1/challenges/{challenge}/submit/",
        signed_in(201),
        {"source": "const sum = (n) => n.reduce((a, b) => a + b, 0)"},  # no braces: bodies are templates
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "GET",
        "/api/v1/challenges/{challenge}/submissions/",
        signed_in(200),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row("GET", "/api/v1/teacher/challenges/", authors(200)),
    Row(
        "GET",
        "/api/v1/teacher/challenges/{challenge}/",
        authors(200, other_teacher=404),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "DELETE",
        "/api/v1/teacher/challenges/{challenge}/",
        authors(204, other_teacher=404),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "GET",
        "/api/v1/teacher/submissions/",
        authors(200),
    ),
    # web challenges (docs/web-challenges.md)
    Row(
        "POST",
        "/api/v1/code/run/",
        signed_in(200),
        {"language": "web", "files": [{"name": "index.html", "content": "<p>hi</p>"}]},
        note="a page",
    ),
    Row(
        "POST",
        "/api/v1/challenges/{web_challenge}/submit/",
        signed_in(201),
        {"files": [{"name": "index.html", "content": "<h1>Hello</h1>"}]},
        setup=coding_matrix.web_challenge,
        note="web challenge",
    ),
    # plagiarism reports (docs/similarity.md): the teacher's courses, admins all
    Row(
        "GET",
        "/api/v1/teacher/challenges/{challenge}/similarity/",
        authors(200, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "GET",
        "/api/v1/teacher/challenges/{other_challenge}/similarity/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=coding_matrix.both_challenges,
        note="other teacher's course",
    ),
    Row(
        "GET",
        "/api/v1/teacher/challenges/{challenge}/similarity/scan/",
        authors(200, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "POST",
        "/api/v1/teacher/challenges/{challenge}/similarity/scan/",
        authors(202, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "POST",
        "/api/v1/teacher/challenges/{other_challenge}/similarity/scan/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 202},
        setup=coding_matrix.both_challenges,
        note="other teacher's course",
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{live}/similarity/",
        authors(200, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{live}/similarity/projects-scan/",
        authors(200, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "POST",
        "/api/v1/teacher/courses/{live}/similarity/projects-scan/",
        authors(202, other_teacher=404),
        setup=coding_matrix.both_challenges,
    ),
    Row(
        "POST",
        "/api/v1/teacher/courses/{other_course}/similarity/projects-scan/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 202},
        setup=coding_matrix.both_challenges,
        note="other teacher's course",
    ),
    Row(
        "GET",
        "/api/v1/teacher/courses/{other_course}/similarity/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=coding_matrix.both_challenges,
        note="other teacher's course",
    ),
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
    # --- tutor (tutor/tests/matrix.py; "other" is a teacher asking as a learner) ---
    Row(
        "POST",
        "/api/v1/tutor/ask/",
        signed_in(200),
        {"question": "How do I add up numbers?", "challenge_id": "{tutor_challenge}"},
        setup=tutor_matrix.course_with_index,
    ),
    Row("POST", "/api/v1/tutor/ask/", signed_in(400), {"question": ""}, note="bad input"),
    Row(
        "POST",
        "/api/v1/tutor/ask/",
        signed_in(400),
        {"question": "And now?", "conversation_id": "{course_conversation}"},
        setup=tutor_matrix.conversations,
        note="other's conversation",
    ),
    Row("GET", "/api/v1/tutor/ask/", signed_in(405)),
    Row(
        "POST",
        "/api/v1/tutor/code-update/",
        signed_in(200),
        {"challenge_id": "{tutor_challenge}", "source": "const sum = (numbers) => 0"},  # no braces: templates
        setup=tutor_matrix.course_with_index,
    ),
    Row("POST", "/api/v1/tutor/code-update/", signed_in(400), {"source": "x"}, note="bad input"),
    Row("GET", "/api/v1/tutor/conversations/", signed_in(200)),
    Row(
        "GET",
        "/api/v1/tutor/conversations/{course_conversation}/",
        signed_in(404),
        setup=tutor_matrix.conversations,
        note="other's",
    ),
    Row(
        "DELETE",
        "/api/v1/tutor/conversations/{private_conversation}/",
        signed_in(405),
        setup=tutor_matrix.conversations,
    ),
    Row("GET", "/api/v1/teacher/tutor/conversations/", authors(200)),
    Row(
        "GET",
        "/api/v1/teacher/tutor/conversations/{course_conversation}/",
        authors(200, other_teacher=404),
        setup=tutor_matrix.conversations,
        note="a learner's, in the teacher's course",
    ),
    Row(
        "GET",
        "/api/v1/teacher/tutor/conversations/{private_conversation}/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 404},
        setup=tutor_matrix.conversations,
        note="outside any course: the learner's alone",
    ),
    # --- recordings (learning/recordings/tests/matrix.py; RECORDINGS_TEACHERS_MAY_UPLOAD off) ---
    # --- certificates (learning/rewards/certificates): "student" holds the certificate ---
    Row("GET", "/api/v1/me/certificates/", signed_in(200)),
    Row(
        "GET",
        "/api/v1/me/certificates/{certificate}/",
        {"anonymous": 401, "student": 200, "teacher": 404, "admin": 404},
        setup=certificates_matrix.student_certificate,
        note="the holder's only",
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{certificate}/pdf/",
        {"anonymous": 401, "student": 200, "teacher": 404, "admin": 404},
        setup=certificates_matrix.student_certificate,
        note="the holder's only",
    ),
    Row("GET", "/api/v1/courses/{live}/certificate/", signed_in(200), setup=cms_matrix.live_course),
    Row(
        "GET",
        "/api/v1/certificates/verify/{code}/",
        everyone(200),
        setup=certificates_matrix.student_certificate,
        note="public",
    ),
    Row("GET", "/api/v1/certificates/verify/unknown-code/", everyone(404), note="public; unknown code"),
    Row(
        "POST",
        "/api/v1/certificates/verify/{code}/",
        everyone(405),
        {},
        setup=certificates_matrix.student_certificate,
    ),
    Row("GET", "/api/v1/certificates/", admins_only(200)),
    Row(
        "POST",
        "/api/v1/certificates/{certificate}/revoke/",
        admins_only(200),
        {"reason": "matrix"},
        setup=certificates_matrix.student_certificate,
    ),
    Row(
        "POST",
        "/api/v1/certificates/{certificate}/reissue/",
        admins_only(202),
        {"reason": "matrix"},
        setup=certificates_matrix.student_certificate,
    ),
    Row("GET", "/api/v1/authoring/recordings/", admins_only(200)),
    Row(
        "POST",
        "/api/v1/authoring/recordings/",
        admins_only(201),
        {"title": "New", "course": "{live}"},
        setup=cms_matrix.live_course,
    ),
    Row(
        "GET",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(200),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "PATCH",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(200),
        {"title": "Renamed"},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "DELETE",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(204),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "PUT",
        "/api/v1/authoring/recordings/{recording}/",
        admins_only(405),
        {},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "POST",
        "/api/v1/authoring/recordings/{recording}/process/",
        admins_only(202),
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{recording}/video/",
        admins_only(415),
        {},
        setup=recordings_matrix.draft_recording,
        note="a JSON body: refused after the permission check, never read",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/video/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished: its course's teacher and admins only",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/video/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/poster/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
        note="published",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/poster/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/",
        signed_in(200),
        setup=recordings_matrix.published_recording,
        note="published",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/",
        {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200},
        setup=recordings_matrix.draft_recording,
        note="unpublished",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/segment00000.ts",
        signed_in(404),
        setup=recordings_matrix.published_recording,
        note="an MP4/WebM rendition has no segments (HLS segments: test_transcode.py)",
    ),
    Row(
        "GET",
        "/api/v1/recordings/{recording}/rendition/segment00000.ts",
        {"anonymous": 401, "student": 404, "teacher": 404, "admin": 404},
        setup=recordings_matrix.draft_recording,
    ),
    Row(
        "DELETE",
        "/api/v1/recordings/{recording}/video/",
        admins_only(405),
        setup=recordings_matrix.draft_recording,
    ),
]

# --- recordings: playback, snapshot timeline, publishing, fork (learning/recordings/tests/
# matrix_timeline.py; "teacher" owns the course of rec_published and rec_draft, "other" that
# of rec_other; teachers may not add snapshots while RECORDINGS_TEACHERS_MAY_UPLOAD is off)
_REC = rec_timeline_matrix.recordings
# unpublished, teacher's: another teacher does not see it
_OWNERS = {"anonymous": 401, "student": 404, "teacher": 200, "other_teacher": 404, "admin": 200}
_ADMINS = {"anonymous": 401, "student": 404, "teacher": 404, "admin": 200}  # another teacher's
_ADMIN_ONLY = {"anonymous": 401, "student": 403, "teacher": 403}
ROWS += [
    Row("GET", "/api/v1/recordings/", signed_in(200), setup=_REC),
    Row("GET", "/api/v1/recordings/?course={live}&lesson={live_lesson}", signed_in(200), setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_published}/", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/timeline/?from_ms=0&to_ms=10", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/timeline/",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/timeline/", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/timeline/?from_ms=-1", signed_in(400), setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_published}/state/?t_ms=0", signed_in(200), setup=_REC),
    Row(
        "GET",
        "/api/v1/recordings/{rec_draft}/state/?t_ms=0",
        _OWNERS,
        setup=_REC,
        note="unpublished",
    ),
    Row("GET", "/api/v1/recordings/{rec_other}/state/?t_ms=0", _ADMINS, setup=_REC, note="other teacher's"),
    Row("GET", "/api/v1/recordings/{rec_published}/state/", signed_in(400), setup=_REC, note="no t_ms"),
    Row(
        "POST",
        "/api/v1/recordings/{rec_published}/fork/",
        signed_in(200),
        {"t_ms": 0, "version": 0},
        setup=_REC,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_other}/fork/",
        _ADMINS | {"admin": 409},
        {"t_ms": 0, "version": 0},
        setup=_REC,
        note="other teacher's, no lesson",
    ),
    Row("POST", "/api/v1/recordings/{rec_published}/fork/", signed_in(400), {"t_ms": -1}, setup=_REC),
    Row(
        "POST",
        "/api/v1/recordings/{rec_draft}/snapshots/",
        _ADMIN_ONLY | {"admin": 201},
        rec_timeline_matrix.SNAPSHOTS,
        setup=_REC,
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_other}/snapshots/",
        _ADMIN_ONLY | {"admin": 201},
        rec_timeline_matrix.SNAPSHOTS,
        setup=_REC,
        note="other teacher's",
    ),
    Row(
        "POST",
        "/api/v1/recordings/{rec_draft}/snapshots/",
        _ADMIN_ONLY | {"admin": 400},
        {"snapshots": [{"id": "m1", "t_ms": -1}]},
        setup=_REC,
        note="bad item",
    ),
    Row("GET", "/api/v1/recordings/{rec_draft}/snapshots/", _ADMIN_ONLY | {"admin": 405}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_draft}/publish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_published}/unpublish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("POST", "/api/v1/recordings/{rec_other}/publish/", _ADMIN_ONLY | {"admin": 200}, setup=_REC),
    Row("GET", "/api/v1/recordings/{rec_draft}/publish/", _ADMIN_ONLY | {"admin": 405}, setup=_REC),
    # --- assessments (learning/assessments/tests/matrix.py; {my_attempt} is the caller's own) ---
    Row("GET", "/api/v1/quizzes/{quiz}/", signed_in(200), setup=assessments_matrix.quiz_with_attempts),
    Row(
        "GET",
        "/api/v1/quizzes/{draft_quiz}/",
        signed_in(404),
        setup=assessments_matrix.quiz_with_attempts,
        note="draft",
    ),
    Row(
        "GET", "/api/v1/quizzes/{quiz}/attempts/", signed_in(200), setup=assessments_matrix.quiz_with_attempts
    ),
    Row(
        "POST",
        "/api/v1/quizzes/{quiz}/attempts/",
        signed_in(200),
        {},
        setup=assessments_matrix.quiz_with_attempts,
        note="the open attempt",
    ),
    Row(
        "POST",
        "/api/v1/quizzes/{draft_quiz}/attempts/",
        signed_in(404),
        {},
        setup=assessments_matrix.quiz_with_attempts,
        note="draft",
    ),
    Row("GET", "/api/v1/attempts/", signed_in(200), setup=assessments_matrix.quiz_with_attempts),
    Row("GET", "/api/v1/attempts/{my_attempt}/", signed_in(200), setup=assessments_matrix.quiz_with_attempts),
    Row(
        "GET",
        "/api/v1/attempts/{others_attempt}/",
        signed_in(404),
        setup=assessments_matrix.quiz_with_attempts,
        note="other's object",
    ),
    Row(
        "DELETE",
        "/api/v1/attempts/{my_attempt}/",
        signed_in(405),
        setup=assessments_matrix.quiz_with_attempts,
    ),
    Row(
        "PUT",
        "/api/v1/attempts/{my_attempt}/answers/",
        signed_in(200),
        {"answers": [{"position": 1, "answer": None}]},
        setup=assessments_matrix.quiz_with_attempts,
    ),
    Row(
        "PUT",
        "/api/v1/attempts/{others_attempt}/answers/",
        signed_in(404),
        {"answers": [{"position": 1, "answer": None}]},
        setup=assessments_matrix.quiz_with_attempts,
        note="other's object",
    ),
    Row(
        "PUT",
        "/api/v1/attempts/{my_attempt}/answers/",
        signed_in(400),
        {"answers": [{"position": 1, "answer": "no-such-option"}]},
        setup=assessments_matrix.quiz_with_attempts,
        note="bad input",
    ),
    Row(
        "POST",
        "/api/v1/attempts/{my_attempt}/submit/",
        signed_in(200),
        {},
        setup=assessments_matrix.quiz_with_attempts,
    ),
    Row(
        "POST",
        "/api/v1/attempts/{others_attempt}/submit/",
        signed_in(404),
        {},
        setup=assessments_matrix.quiz_with_attempts,
        note="other's object",
    ),
    Row("GET", "/api/v1/teacher/attempts/", authors(200), setup=assessments_matrix.quiz_with_attempts),
    Row(
        "GET",
        "/api/v1/teacher/attempts/{course_attempt}/",
        authors(200, other_teacher=404),
        setup=assessments_matrix.quiz_with_attempts,
        note="a learner's, in the teacher's course",
    ),
    Row(
        "GET",
        "/api/v1/teacher/attempts/{foreign_attempt}/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=assessments_matrix.quiz_with_attempts,
        note="other teacher's course",
    ),
    # --- assessments, part 2: item analysis and question bank import
    # (learning/assessments/tests/analysis_matrix.py; "other" owns {other_quiz}) ---
    Row(
        "GET",
        "/api/v1/teacher/quizzes/{quiz}/item-analysis/",
        authors(200, other_teacher=404),
        setup=analysis_matrix.analysed_quizzes,
    ),
    Row(
        "POST",
        "/api/v1/teacher/quizzes/{quiz}/item-analysis/",
        authors(200, other_teacher=404),
        {"basis": "first"},
        setup=analysis_matrix.analysed_quizzes,
        note="the stored result is current",
    ),
    Row(
        "GET",
        "/api/v1/teacher/quizzes/{quiz}/item-analysis/csv/",
        authors(200, other_teacher=404),
        setup=analysis_matrix.analysed_quizzes,
    ),
    Row(
        "DELETE",
        "/api/v1/teacher/quizzes/{quiz}/item-analysis/",
        authors(405),
        setup=analysis_matrix.analysed_quizzes,
    ),
    Row(
        "GET",
        "/api/v1/teacher/quizzes/{other_quiz}/item-analysis/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=analysis_matrix.analysed_quizzes,
        note="another teacher's quiz",
    ),
    Row(
        "POST",
        "/api/v1/teacher/quizzes/{other_quiz}/item-analysis/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        {},
        setup=analysis_matrix.analysed_quizzes,
        note="another teacher's quiz",
    ),
    Row(
        "GET",
        "/api/v1/teacher/quizzes/{other_quiz}/item-analysis/csv/",
        {"anonymous": 401, "student": 403, "teacher": 404, "admin": 200},
        setup=analysis_matrix.analysed_quizzes,
        note="another teacher's quiz",
    ),
    Row(
        "POST", "/api/v1/teacher/question-bank/import/", authors(400), {}, format="multipart", note="no file"
    ),
    Row("GET", "/api/v1/teacher/question-bank/import/", authors(405)),
    # --- Open Badges 3.0 (learning/rewards/openbadges/tests/matrix.py): public issuer,
    # keys and verification (an Authorization header changes nothing); exports are the
    # owner's alone ({my_*} is the caller's own; anonymous gets "other"'s) ---
    Row("GET", "/api/v1/openbadges/issuer/", everyone(200)),
    Row("GET", "/api/v1/openbadges/keys/", everyone(200)),
    Row("GET", "/api/v1/openbadges/keys/{key}/", everyone(200), setup=openbadges_matrix.credentials),
    Row("GET", "/api/v1/openbadges/keys/unknown/", everyone(404)),
    Row(
        "POST",
        "/api/v1/openbadges/verify/",
        everyone(200),
        {"credential": "{others_credential}"},
        setup=openbadges_matrix.credentials,
    ),
    Row("POST", "/api/v1/openbadges/verify/", everyone(400), {}, note="no credential"),
    Row("GET", "/api/v1/openbadges/verify/", everyone(405)),
    Row(
        "GET", "/api/v1/me/badges/{my_award}/credential/", signed_in(200), setup=openbadges_matrix.credentials
    ),
    Row(
        "GET",
        "/api/v1/me/badges/{others_award}/credential/",
        signed_in(404),
        setup=openbadges_matrix.credentials,
        note="other's award",
    ),
    Row(
        "POST",
        "/api/v1/me/badges/{my_award}/credential/",
        signed_in(405),
        setup=openbadges_matrix.credentials,
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{my_certificate}/credential/",
        signed_in(200),
        setup=openbadges_matrix.credentials,
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{others_certificate}/credential/",
        signed_in(404),
        setup=openbadges_matrix.credentials,
        note="other's certificate",
    ),
]


# --- rewards (learning/rewards/tests/matrix.py; "other" holds {badge}; the badge pages are
# public, the rest is the caller's own) ---
_BADGE = rewards_matrix.badge_held_by_other
ROWS += [
    Row("GET", "/api/v1/me/xp/", signed_in(200)),
    Row("GET", "/api/v1/me/badges/", signed_in(200)),
    Row("GET", "/api/v1/me/achievements/", signed_in(200)),
    Row("POST", "/api/v1/me/achievements/", signed_in(405)),
    Row("GET", "/api/v1/me/leaderboard/", signed_in(200)),
    Row("PUT", "/api/v1/me/leaderboard/", signed_in(200), {"opt_in": True}),
    Row("PUT", "/api/v1/me/leaderboard/", signed_in(400), {"opt_in": "x"}, note="bad body"),
    Row("GET", "/api/v1/leaderboard/?window=month", signed_in(200)),
    Row("GET", "/api/v1/leaderboard/?course={live}", signed_in(200), setup=_BADGE),
    Row("GET", "/api/v1/badges/{badge}/", everyone(200), setup=_BADGE),
    Row("DELETE", "/api/v1/badges/{badge}/", everyone(405), setup=_BADGE),
    Row("GET", "/api/v1/badge-awards/{badge_award}/", everyone(200), setup=_BADGE),
    Row("GET", "/api/v1/badges/no-such-badge/", everyone(404)),
]


# --- notifications (learning/notifications/tests/matrix.py): a notification of every caller
# ({my_notification}) and one of "other"; the unsubscribe link needs no login, its token is
# the authority (a JWT changes nothing), a forged one is a 404 for everyone
_INBOX = notifications_matrix.inbox
ROWS += [
    Row("GET", "/api/v1/notifications/", signed_in(200), setup=_INBOX),
    Row("GET", "/api/v1/notifications/?unread=true", signed_in(200), setup=_INBOX),
    Row("POST", "/api/v1/notifications/", signed_in(405), {}),
    Row("GET", "/api/v1/notifications/unread-count/", signed_in(200)),
    Row("POST", "/api/v1/notifications/read-all/", signed_in(200), {}),
    Row("GET", "/api/v1/notifications/read-all/", signed_in(405)),
    Row("GET", "/api/v1/notifications/{my_notification}/", signed_in(200), setup=_INBOX),
    Row("GET", "/api/v1/notifications/{others_notification}/", signed_in(404), setup=_INBOX, note="other's"),
    Row("POST", "/api/v1/notifications/{my_notification}/read/", signed_in(200), {}, setup=_INBOX),
    Row(
        "POST",
        "/api/v1/notifications/{others_notification}/read/",
        signed_in(404),
        {},
        setup=_INBOX,
        note="other's",
    ),
    Row("DELETE", "/api/v1/notifications/{my_notification}/", signed_in(204), setup=_INBOX),
    Row(
        "DELETE",
        "/api/v1/notifications/{others_notification}/",
        signed_in(404),
        setup=_INBOX,
        note="other's",
    ),
    Row("PATCH", "/api/v1/notifications/{my_notification}/", signed_in(405), {}, setup=_INBOX),
    Row("GET", "/api/v1/notifications/preferences/", signed_in(200)),
    Row(
        "PATCH",
        "/api/v1/notifications/preferences/",
        signed_in(200),
        {"preferences": [{"type": "badge_awarded", "channel": "email", "enabled": False}]},
    ),
    Row("PUT", "/api/v1/notifications/preferences/", signed_in(405), {}),
    Row(
        "POST",
        "/api/v1/notifications/send/",
        admins_only(400),
        {"recipients": [], "title": "Hi"},
        note="no recipients (the 201 is in learning/notifications/tests/test_admin_send.py)",
    ),
    Row("GET", "/api/v1/notifications/send/", admins_only(405)),
    Row("GET", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(200), setup=_INBOX),
    Row("POST", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(200), setup=_INBOX),
    Row(
        "POST",
        "/api/v1/notifications/unsubscribe/{forged_token}/",
        everyone(404),
        setup=_INBOX,
        note="forged",
    ),
    Row("DELETE", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(405), setup=_INBOX),
]

# --- notifications: the phone number for SMS (learning/notifications/sms; the caller's own) ---
PHONE = "/api/v1/notifications/phone/"
ROWS += [
    Row("GET", PHONE, signed_in(200)),
    Row("PUT", PHONE, signed_in(202), {"number": "+447911123456"}),
    Row("PUT", PHONE, signed_in(400), {"number": "not a number"}, note="bad input"),
    Row("DELETE", PHONE, signed_in(204)),
    Row("POST", PHONE, signed_in(405), {}),
    Row("POST", PHONE + "verify/", signed_in(400), {"code": "123456"}, note="no code sent"),
    Row("GET", PHONE + "verify/", signed_in(405)),
]

# --- announcements (learning/notifications/announcements/tests/matrix.py; "teacher" owns the
# course of {ann_teacher_draft} and {ann_course}, "other" that of {ann_other_draft}) ---
_ANN = announcements_matrix.announcements
_ANN_ADMIN = {"anonymous": 401, "student": 403, "teacher": 404}  # another's: admins only
ANN = "/api/v1/teacher/announcements/"
ROWS += [
    Row("GET", "/api/v1/announcements/", signed_in(200), setup=_ANN),
    Row("GET", "/api/v1/announcements/{ann_sent_all}/", signed_in(200), setup=_ANN),
    Row(
        "GET",
        "/api/v1/announcements/{ann_sent_teachers}/",
        {"anonymous": 401, "student": 404, "teacher": 200, "admin": 404},
        setup=_ANN,
        note="sent to teachers",
    ),
    Row("GET", "/api/v1/announcements/{ann_draft_all}/", signed_in(404), setup=_ANN, note="draft"),
    Row("POST", "/api/v1/announcements/", signed_in(405), {}),
    Row("GET", ANN, authors(200), setup=_ANN),
    Row(
        "POST",
        ANN,
        {"anonymous": 401, "student": 403, "teacher": 400, "admin": 201},
        {"title": "t", "body": "b", "target": "all", "channels": ["in_app"]},
        note="to all users",
    ),
    Row(
        "POST",
        ANN,
        authors(201, other_teacher=400),
        {"title": "t", "body": "b", "target": "course", "course": "{ann_course}", "channels": ["in_app"]},
        setup=_ANN,
        note="teacher's course",
    ),
    Row("GET", ANN + "{ann_teacher_draft}/", authors(200, other_teacher=404), setup=_ANN),
    Row("GET", ANN + "{ann_other_draft}/", _ANN_ADMIN | {"admin": 200}, setup=_ANN, note="other's"),
    Row("GET", ANN + "{ann_draft_all}/", _ANN_ADMIN | {"admin": 200}, setup=_ANN, note="admin's"),
    Row("PATCH", ANN + "{ann_teacher_draft}/", authors(200, other_teacher=404), {"title": "new"}, setup=_ANN),
    Row(
        "PATCH",
        ANN + "{ann_other_draft}/",
        _ANN_ADMIN | {"admin": 200},
        {"title": "new"},
        setup=_ANN,
        note="other's",
    ),
    Row(
        "PATCH",
        ANN + "{ann_sent_all}/",
        _ANN_ADMIN | {"admin": 409},
        {"title": "new"},
        setup=_ANN,
        note="sent",
    ),
    Row(
        "PATCH",
        ANN + "{ann_teacher_draft}/",
        authors(400, other_teacher=404),
        {"target": "x"},
        setup=_ANN,
        note="bad input",
    ),
    Row("PUT", ANN + "{ann_teacher_draft}/", authors(405), {}, setup=_ANN),
    Row("DELETE", ANN + "{ann_teacher_draft}/", authors(204, other_teacher=404), setup=_ANN),
    Row("DELETE", ANN + "{ann_other_draft}/", _ANN_ADMIN | {"admin": 204}, setup=_ANN, note="other's"),
    Row("DELETE", ANN + "{ann_sent_all}/", _ANN_ADMIN | {"admin": 409}, setup=_ANN, note="sent"),
    Row("POST", ANN + "{ann_teacher_draft}/send/", authors(202, other_teacher=404), {}, setup=_ANN),
    Row("POST", ANN + "{ann_other_draft}/send/", _ANN_ADMIN | {"admin": 202}, {}, setup=_ANN, note="other's"),
    Row("POST", ANN + "{ann_sent_all}/send/", _ANN_ADMIN | {"admin": 409}, {}, setup=_ANN, note="sent"),
    Row("GET", ANN + "{ann_teacher_draft}/send/", authors(405), setup=_ANN),
    Row("POST", ANN + "{ann_teacher_draft}/cancel/", authors(200, other_teacher=404), {}, setup=_ANN),
    Row(
        "POST", ANN + "{ann_other_draft}/cancel/", _ANN_ADMIN | {"admin": 200}, {}, setup=_ANN, note="other's"
    ),
    Row("POST", ANN + "{ann_sent_all}/cancel/", _ANN_ADMIN | {"admin": 409}, {}, setup=_ANN, note="sent"),
]


ROWS += [
    # --- admin: account security (learning/accounts/api/admin_views.py) and the audit log
    # (learning/audit; append-only: no write method on any of its URLs) ---
    Row("GET", "/api/v1/admin/login-locks/", admins_only(200), setup=accounts_matrix.login_lock),
    Row(
        "DELETE",
        "/api/v1/admin/login-locks/{login_lock}/",
        admins_only(200),
        setup=accounts_matrix.login_lock,
    ),
    Row("GET", "/api/v1/admin/users/{other}/sessions/", admins_only(200)),
    Row("POST", "/api/v1/admin/users/{other}/sessions/revoke/", admins_only(200)),
    Row("DELETE", "/api/v1/admin/users/{other}/second-factor/", admins_only(204)),
    Row("GET", "/api/v1/admin/audit/entries/", admins_only(200), setup=audit_matrix.audit_entry),
    Row("POST", "/api/v1/admin/audit/entries/", admins_only(405), {}),
    Row(
        "GET", "/api/v1/admin/audit/entries/{audit_entry}/", admins_only(200), setup=audit_matrix.audit_entry
    ),
    Row(
        "PUT",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        {},
        setup=audit_matrix.audit_entry,
    ),
    Row(
        "PATCH",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        {},
        setup=audit_matrix.audit_entry,
    ),
    Row(
        "DELETE",
        "/api/v1/admin/audit/entries/{audit_entry}/",
        admins_only(405),
        setup=audit_matrix.audit_entry,
    ),
    Row("GET", "/api/v1/admin/audit/entries/csv/", admins_only(200), setup=audit_matrix.audit_entry),
    Row("DELETE", "/api/v1/admin/audit/entries/csv/", admins_only(405)),
]


ROWS += [
    # --- announcements to one organisation (learning/notifications/announcements/tests/matrix.py):
    # admins only; a teacher's target is refused (400 target_not_allowed) ---
    Row(
        "POST",
        ANN,
        {"anonymous": 401, "student": 403, "teacher": 400, "admin": 201},
        {
            "title": "t",
            "body": "b",
            "target": "organisation",
            "organisation": "{ann_org}",
            "channels": ["in_app"],
        },
        setup=announcements_matrix.organisation,
        note="to an organisation",
    ),
    # --- rows the URL walk (test_every_endpoint_has_a_row) found missing ---
    # probes and plumbing: the same for everyone
    Row("GET", "/api/schema/", everyone(200)),
    Row("GET", "/api/v1/ping/", everyone(200)),
    # nothing else lives under /api/: the error shape's 404 for every method
    Row("GET", "/api/nothing-here/", everyone(404)),
    Row("POST", "/api/nothing-here/", everyone(404), {}),
    Row("PUT", "/api/nothing-here/", everyone(404), {}),
    Row("PATCH", "/api/nothing-here/", everyone(404), {}),
    Row("DELETE", "/api/nothing-here/", everyone(404)),
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
    # the learner's code drafts of a lesson
    Row(
        "PUT",
        "/api/v1/lessons/{live_lesson}/draft/",
        signed_in(400),
        {},
        setup=coding_matrix.lesson_with_challenge,
        note="no files",
    ),
    Row(
        "POST",
        "/api/v1/lessons/{live_lesson}/draft/reset/",
        signed_in(200),
        {"version": 0},
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "GET",
        "/api/v1/lessons/{live_lesson}/draft/versions/",
        signed_in(200),
        setup=coding_matrix.lesson_with_challenge,
    ),
    Row(
        "POST",
        "/api/v1/lessons/{live_lesson}/draft/restore/",
        signed_in(400),
        {},
        setup=coding_matrix.lesson_with_challenge,
        note="no version",
    ),
    # teachers' challenges
    Row("POST", "/api/v1/teacher/challenges/", authors(400), {}, note="bad input"),
    Row("POST", "/api/v1/teacher/challenges/import/", authors(400), {}, note="bad input"),
    Row(
        "PUT",
        "/api/v1/teacher/challenges/{challenge}/",
        authors(400, other_teacher=404),
        {},
        setup=coding_matrix.lesson_with_challenge,
        note="bad input",
    ),
    Row(
        "POST",
        "/api/v1/teacher/challenges/{challenge}/check/",
        authors(200, other_teacher=404),
        {},
        setup=coding_matrix.lesson_with_challenge,
    ),
]


_MOD = moderation_matrix.reported_project
MOD_CASES = "/api/v1/admin/moderation/cases/"
ROWS += [
    # --- moderation (learning/moderation): reports by any verified account, the queue and
    # its decisions for admins. The project's owner is "other", none of the callers. ---
    Row(
        "POST",
        "/api/v1/reports/",
        signed_in(201),
        {"kind": "project", "target": "{mod_share_token}", "reason": "spam"},
        setup=_MOD,
    ),
    Row(
        "POST",
        "/api/v1/reports/",
        signed_in(404) | {"admin": 201},
        {"kind": "profile", "target": "{other}", "reason": "spam"},
        setup=_MOD,
        note="taken-down profile: only admins see it",
    ),
    Row("POST", "/api/v1/reports/", signed_in(400), {"kind": "nope"}, note="bad input"),
    Row("GET", "/api/v1/reports/", signed_in(405)),
    Row("GET", MOD_CASES, admins_only(200), setup=_MOD),
    Row("GET", MOD_CASES + "?status=nope", admins_only(400), note="bad input"),
    Row("POST", MOD_CASES, admins_only(405), {}),
    Row("GET", MOD_CASES + "{mod_case}/", admins_only(200), setup=_MOD),
    Row("GET", MOD_CASES + "999999/", admins_only(404), note="unknown"),
    Row("DELETE", MOD_CASES + "{mod_case}/", admins_only(405), setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/dismiss/", admins_only(200), {"comment": "fine"}, setup=_MOD),
    Row("GET", MOD_CASES + "{mod_case}/dismiss/", admins_only(405), setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/take-down/", admins_only(200), {"reason": "spam"}, setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/take-down/", admins_only(400), {}, setup=_MOD, note="bad input"),
    Row(
        "POST",
        MOD_CASES + "{mod_taken_down_case}/take-down/",
        admins_only(409),
        {"reason": "spam"},
        setup=_MOD,
        note="taken down already",
    ),
    Row("POST", MOD_CASES + "{mod_taken_down_case}/restore/", admins_only(200), {}, setup=_MOD),
    Row("POST", MOD_CASES + "{mod_case}/restore/", admins_only(409), {}, setup=_MOD, note="visible"),
]

# The areas whose rows live in tests/permission_matrix/rows_<area>.py.
ROWS += area_rows()


def _cases():
    for row in ROWS:
        for caller in CALLERS:
            label = f"{row.method} {row.url} as {caller}" + (f" ({row.note})" if row.note else "")
            yield pytest.param(row, caller, id=label)


@pytest.fixture
def callers(student, teacher, admin_user, other_teacher):
    """The callers by name, and "other": the `other_teacher` fixture (not the caller of
    that name), who owns the setups' objects of "someone else". The caller
    "other_teacher" is a third teacher, who owns nothing the setups build."""
    from learning.accounts.tests.factories import UserFactory

    outsider = UserFactory(email="outsider-teacher@example.test", role="teacher")
    return {
        "student": student,
        "teacher": teacher,
        "other_teacher": outsider,
        "admin": admin_user,
        "other": other_teacher,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "caller"), list(_cases()))
def test_permission_matrix(row: Row, caller: str, callers, auth_client):
    check_cell(row, caller, callers, auth_client)


# Every endpoint that serves lesson content (bodies, starter files, attachments) answers an
# account whose email is not verified yet as the learner API does: 403 in the error shape
# (one rule, `learning.accounts.permissions.user_may_learn`). The matrix's callers are all
# verified, so this caller gets its own table.
UNVERIFIED_REFUSED = [
    ("/api/v1/lessons/{live_lesson}/", cms_matrix.live_course, 403),
    ("/api/cms/pages/", cms_matrix.live_course, 403),
    ("/api/cms/pages/{live}/", cms_matrix.live_course, 403),
    ("/api/cms/pages/{live_lesson}/", cms_matrix.live_course, 403),
    ("/api/v1/quizzes/{quiz}/", assessments_matrix.quiz_with_attempts, 403),
    # a download answers 404 to whoever may not have it, as for anonymous callers
    ("/documents/{live_document}/{live_document_name}", cms_matrix.live_document, 404),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "setup", "status"), UNVERIFIED_REFUSED, ids=[url for url, _, _ in UNVERIFIED_REFUSED]
)
def test_unverified_account_gets_no_lesson_content(url, setup, status, callers, auth_client):
    from learning.accounts.tests.factories import UserFactory

    unverified = UserFactory(email="unverified@example.test", role="student", email_verified=False)
    response = auth_client(unverified).get(url.format(**setup(callers)))
    assert_error(response, status)


# The probes (site_config/health.py): JSON of their own (not the error shape), no JWT
# read; who asks changes nothing. Readiness is checked without a job worker required
# (the test run has none; README's env table: JOBS_REQUIRED).
PROBES = [
    ("GET", "/health/live", everyone(200)),
    ("GET", "/health/ready", everyone(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "caller", "expected"),
    [
        pytest.param(m, u, c, statuses(expect)[c], id=f"{m} {u} as {c}")
        for m, u, expect in PROBES
        for c in CALLERS
    ],
)
def test_probe_matrix(method: str, url: str, caller: str, expected: int, callers, auth_client, settings):
    settings.JOBS_REQUIRED = False
    response = getattr(auth_client(callers.get(caller)), method.lower())(url)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")


# Pages outside /api/ (HTML, not the API's error shape), with the same rule: a status per
# caller. The built-in preview (docs/preview.md) is reached by its signed token alone, as
# `/api/v1/preview/` is: who is signed in changes nothing.
PAGES = [
    ("GET", "/preview/?content_type=cms.lessonpage&token=forged", everyone(404)),
    ("GET", "/preview/", everyone(400)),
    ("POST", "/preview/?content_type=cms.lessonpage&token=forged", everyone(405)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "caller", "expected"),
    [
        pytest.param(m, u, c, statuses(expect)[c], id=f"{m} {u} as {c}")
        for m, u, expect in PAGES
        for c in CALLERS
    ],
)
def test_page_matrix(method: str, url: str, caller: str, expected: int, callers, auth_client):
    response = getattr(auth_client(callers.get(caller)), method.lower())(url)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")


# Editor (Wagtail admin) URLs of our own, with a session as the editor has: a status per
# caller, "teacher" owning the course of {challenge} and "other" (another teacher) that
# of {other_challenge}. The challenge Check (docs/authoring.md) is a CSRF-protected POST
# of the edit form; these rows post an empty form (400 once the caller may check, before
# anything runs) with the header its script sends, which makes Wagtail answer callers
# without editor access with 403 instead of a redirect to the login page.
CHECK = "/admin/snippets/coding/challenge/check/"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
_CHALLENGES = None  # the default setup: coding_matrix's challenge of "teacher" and of "other"
_ANNOUNCE = "/admin/snippets/announcements/announcement/"
EDITOR_PAGES = [
    (
        "POST",
        CHECK + "{challenge}/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 400, "other_teacher": 404, "admin": 400},
    ),
    (
        "POST",
        CHECK + "{other_challenge}/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 404, "admin": 400},
    ),
    ("POST", CHECK, XHR, {"anonymous": 403, "student": 403, "teacher": 400, "admin": 400}),
    (
        "POST",
        CHECK + "{challenge}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 400, "other_teacher": 404, "admin": 400},
    ),
    ("GET", CHECK + "{challenge}/", XHR, {"anonymous": 403, "student": 403, "teacher": 405, "admin": 405}),
    # the second factor (docs/admin-security.md): editors only; a POST without a code is 400
    ("GET", "/admin/2fa/setup/", {}, {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200}),
    ("POST", "/admin/2fa/setup/", {}, {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200}),
    # no device yet: verifying sends an editor to the setup first
    ("GET", "/admin/2fa/verify/", {}, {"anonymous": 302, "student": 403, "teacher": 302, "admin": 302}),
    ("POST", "/admin/2fa/verify/", {}, {"anonymous": 302, "student": 403, "teacher": 302, "admin": 302}),
    # the audit log's editor pages (docs/audit-log.md): admins only; Wagtail sends an
    # editor without the permission back to the dashboard (302 to /admin/)
    ("GET", "/admin/audit-log/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    ("GET", "/admin/audit-log/csv/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    # the announcement editor (docs/announcements.md): admins; teachers use the API
    # (/api/v1/teacher/announcements/), the editor sends them back to the dashboard
    ("GET", _ANNOUNCE + "add/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    ("POST", _ANNOUNCE + "add/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
    (
        "GET",
        _ANNOUNCE + "edit/{ann_teacher_draft}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        announcements_matrix.announcements,
    ),
    (
        "POST",
        _ANNOUNCE + "edit/{ann_other_draft}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        announcements_matrix.announcements,
    ),
    # Django admin: staff only (every view behind AdminSite.admin_view; see EXCLUDED)
    ("GET", "/django-admin/", {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}),
]
EDITOR_PAGES = [page if len(page) == 5 else (*page, _CHALLENGES) for page in EDITOR_PAGES]


# The Organisations snippet (learning/accounts/wagtail_hooks.py): admins only.
ORGS = "/admin/snippets/accounts/organisation/"


def _no_objects(callers) -> dict:
    return {}


# The moderation queue in the editor (learning/moderation/views.py): admins only; Wagtail
# sends a teacher back to the dashboard (302 to /admin/); a decision without an action is 400.
MODQ = "/admin/moderation-queue/"
EDITOR_PAGES += [
    ("GET", MODQ, {}, {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200}, _no_objects),
    (
        "GET",
        MODQ + "{mod_case}/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        moderation_matrix.reported_project,
    ),
    (
        "POST",
        MODQ + "{mod_case}/decide/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 400},
        moderation_matrix.reported_project,
    ),
]
EDITOR_PAGES += [
    ("GET", ORGS, XHR, {"anonymous": 403, "student": 403, "teacher": 403, "admin": 200}, _no_objects),
    (
        "GET",
        ORGS + "add/",
        XHR,
        {"anonymous": 403, "student": 403, "teacher": 403, "admin": 200},
        _no_objects,
    ),
]


# Reports > Learning analytics (learning/analytics/rollups/admin_views.py): admins only;
# Wagtail sends a teacher back to the dashboard (302 to /admin/).
EDITOR_PAGES += [
    (
        "GET",
        "/admin/learning-analytics/",
        {},
        {"anonymous": 302, "student": 302, "teacher": 302, "admin": 200},
        _no_objects,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "headers", "setup", "caller", "expected"),
    [
        pytest.param(m, u, h, setup, c, statuses(expect)[c], id=f"{m} {u}{' (xhr)' if h else ''} as {c}")
        for m, u, h, expect, setup in EDITOR_PAGES
        for c in CALLERS
    ],
)
def test_editor_page_matrix(method: str, url: str, headers: dict, setup, caller: str, expected: int, callers):
    from django.test import Client

    if setup is None:
        values = coding_matrix.lesson_with_challenge(callers) | coding_matrix.others_challenge(callers)
    else:
        values = setup(callers)
    client = Client()
    if callers.get(caller) is not None:
        client.force_login(callers[caller])
    response = getattr(client, method.lower())(url.format(**values), **headers)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected == 302 and caller in ("anonymous", "student"):  # to the login page
        assert "admin/login/" in response["Location"], response["Location"]


# --- coverage: every URL pattern x method of the root URLconf has a row -----------------
#
# tests/permission_matrix/coverage.py walks site_config/urls.py. What needs a row, by prefix:
#   /api/...          everything (our API, the schema and docs, Wagtail's page API, the
#                     /api/ catch-all): ROWS above.
#   /health/          the probes: ROWS above (no JWT involved, same for everyone).
#   /preview/, /documents/  HTML and files outside the API: PAGES and ROWS above.
#   /admin/2fa/, and our own views inside the Wagtail editor (/admin/...: the challenge
#                     Check, the audit log pages, the announcement editor): EDITOR_PAGES.
# What needs none is listed in EXCLUDED, each with the reason; OPTIONS and HEAD are never
# listed (the frameworks answer them for every view).
EXCLUDED = [
    coverage.Exclusion(
        "Wagtail's own editor views: Wagtail's permission policies guard them and Wagtail's "
        "test suite covers them; our role groups' editor permissions are tested in "
        "cms/tests/test_editor_roles.py",
        route="admin/",
        view="wagtail",
    ),
    coverage.Exclusion(
        "Wagtail snippet views with our object scope (cms/snippet_scope.py, "
        "learning/recordings/editor.py OwnRecordingsOnly: another teacher's challenge, "
        "question or recording is a 404): Wagtail's views, tested through the scope in "
        "cms/tests/test_editor_roles.py, learning/coding/tests/test_editor_check.py, "
        "learning/assessments/tests/test_editor.py and learning/recordings/tests/test_editor.py",
        route="admin/snippets/",
        when=lambda pattern: _object_scoped(coverage.view_class(pattern)),
    ),
    coverage.Exclusion(
        "PUT on the editor's form views: Django's ProcessFormView answers PUT with its POST "
        "handler, whose row covers it",
        route="admin/",
        methods=("PUT",),
        when=lambda pattern: getattr(coverage.view_class(pattern), "put", None) is ProcessFormView.put,
    ),
    coverage.Exclusion(
        "Wagtail's admin test page (a TemplateView of Wagtail's own urls)",
        route="admin/test404/",
    ),
    coverage.Exclusion(
        "Django admin: every view is wrapped in AdminSite.admin_view (active staff only, "
        "then the second factor: docs/admin-security.md); one row per caller for its index "
        "in EDITOR_PAGES shows the gate, the views behind it are Django's",
        route="django-admin/",
    ),
    coverage.Exclusion(
        "Wagtail's front end (the site is headless: pages are read through the API): its "
        "page-serving catch-all and the password form of private pages, which no page uses",
        view="wagtail.views.",
    ),
    coverage.Exclusion(
        "the password form of private document collections, which no collection uses",
        route="documents/authenticate_with_password/",
    ),
    coverage.Exclusion(
        "the front-end login of Wagtail's private pages (Django's LoginView under _util/)",
        route="_util/",
    ),
]


def _object_scoped(view_class) -> bool:
    from learning.recordings.editor import OwnRecordingsOnly

    return view_class is not None and (
        hasattr(view_class, "ACTIONS") or issubclass(view_class, OwnRecordingsOnly)
    )


# Function views do not declare their methods where Python can see them (a decorator
# refuses the others): the methods each one answers. A new function view fails the
# coverage test until it is listed here.
FUNCTION_METHODS = {
    "site_config.health.live": ("GET",),
    "site_config.health.ready": ("GET",),
    "site_config.metrics.metrics": ("GET",),
    "site_config.api.errors.api_not_found": ("GET", "POST", "PUT", "PATCH", "DELETE"),
    "cms.views.preview_page": ("GET",),
    "wagtail.documents.views.serve.serve": ("GET",),
    "learning.accounts.second_factor.views.setup": ("GET", "POST"),
    "learning.accounts.second_factor.views.verify": ("GET", "POST"),
    "learning.audit.views.audit_log": ("GET",),
    "learning.audit.views.audit_log_csv": ("GET",),
    "learning.moderation.views.queue": ("GET",),
    "learning.moderation.views.case_detail": ("GET",),
    "learning.moderation.views.case_decide": ("POST",),
    "learning.analytics.rollups.admin_views.learning_analytics": ("GET",),
}


def matrix_requests() -> list[tuple[str, str]]:
    """(method, url) of every row of every table in this file."""
    return (
        [(row.method, row.url) for row in ROWS]
        + [(method, url) for method, url, _ in PROBES]
        + [(method, url) for method, url, _ in PAGES]
        + [(method, url) for method, url, *_ in EDITOR_PAGES]
    )


def test_every_endpoint_has_a_row():
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    assert not walked.unknown_methods, (
        "function views with no entry in FUNCTION_METHODS (say which methods they answer)",
        walked.unknown_methods,
    )
    missing = coverage.uncovered(matrix_requests(), walked)
    assert not missing, "endpoints without a matrix row:\n" + "\n".join(map(str, missing))


def test_every_row_reaches_an_endpoint():
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    stale = coverage.unmatched(matrix_requests(), walked)
    assert not stale, f"rows whose URL resolves to no listed or excluded pattern: {stale}"


# --- the test of the test: the checks above fail when a row goes or a check loosens ------

DROPPED = [
    ("GET", "/api/v1/ping/", "api/v1/ping/"),
    (
        "POST",
        "/api/v1/teacher/challenges/{challenge}/check/",
        "api/v1/teacher/challenges/<id:challenge_id>/check/",
    ),
    ("GET", "/api/v1/badge-awards/{badge_award}/", "api/v1/badge-awards/<award_key:award>/"),
    ("POST", "/admin/2fa/setup/", "admin/2fa/setup/"),
]


@pytest.mark.parametrize(("method", "url", "route"), DROPPED, ids=[f"{m} {u}" for m, u, _ in DROPPED])
def test_coverage_reports_a_removed_row(method, url, route):
    walked = coverage.endpoints(EXCLUDED, FUNCTION_METHODS)
    requests = matrix_requests()
    assert (method, url) in requests  # the row exists, and only this one reaches the endpoint
    assert coverage.uncovered(requests, walked) == []
    missing = coverage.uncovered([r for r in requests if r != (method, url)], walked)
    assert [(e.route, e.method) for e in missing] == [(route, method)]


def test_coverage_reports_a_new_function_view_without_methods():
    listed = dict(FUNCTION_METHODS)
    del listed["site_config.health.live"]
    walked = coverage.endpoints(EXCLUDED, listed)
    assert walked.unknown_methods == ["/health/live (site_config.health.live)"]


def test_coverage_reports_an_endpoint_when_its_exclusion_goes():
    without_django_admin = [e for e in EXCLUDED if e.route != "django-admin/"]
    missing = coverage.uncovered(
        matrix_requests(), coverage.endpoints(without_django_admin, FUNCTION_METHODS)
    )
    assert missing and all(e.route.startswith("django-admin/") for e in missing)


@pytest.mark.django_db
def test_cell_check_fails_when_the_status_is_loosened(callers, auth_client):
    row = Row("GET", "/api/v1/admin/login-locks/", admins_only(200))
    check_cell(row, "student", callers, auth_client)  # 403, as the row says
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, auth_client, expected=200)  # "students may read it"
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, auth_client, expected=404)  # any other status


@pytest.mark.django_db
def test_cell_check_fails_on_a_4xx_outside_the_error_shape(callers, auth_client):
    # the editor's second-factor page refuses a student with a plain-text 403: the status
    # alone would pass, the error-shape half of the cell check does not
    row = Row("GET", "/admin/2fa/setup/", {"anonymous": 302, "student": 403, "teacher": 200, "admin": 200})
    from django.test import Client

    client = Client()
    client.force_login(callers["student"])
    assert client.get("/admin/2fa/setup/").status_code == 403
    with pytest.raises(AssertionError):
        check_cell(row, "student", callers, lambda user: client)


# --- the rendered table (docs/permission-matrix.md) ---------------------------------------


def test_rendered_matrix_is_current():
    from tests.permission_matrix import render

    assert render.DOC.read_text() == render.render(), (
        f"docs/permission-matrix.md is not the matrix of this file: regenerate it with\n    {render.COMMAND}"
    )
