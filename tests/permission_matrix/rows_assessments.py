"""Permission-matrix rows of assessments (learning/assessments): quizzes and attempts, the
teacher's view of attempts, item analysis and the question bank import. Setups:
learning/assessments/tests/matrix.py and analysis_matrix.py."""

from learning.assessments.tests import analysis_matrix
from learning.assessments.tests import matrix as assessments_matrix
from tests.permission_matrix.core import Row, authors, signed_in

ROWS: list[Row] = [
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
]
