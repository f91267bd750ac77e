"""Permission-matrix rows of coding (learning/coding): running code, the learner's code
drafts, challenges and submissions, web challenges, teachers' challenges and plagiarism
reports. Setups: learning/coding/tests/matrix.py (and cms/tests/matrix.py for a draft
lesson)."""

from cms.tests import matrix as cms_matrix
from learning.coding.tests import matrix as coding_matrix
from tests.permission_matrix.core import Row, authors, signed_in

ROWS: list[Row] = [
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
    # --- rows the URL walk (test_every_endpoint_has_a_row) found missing ---
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
