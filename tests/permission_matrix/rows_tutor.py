"""Permission-matrix rows of the tutor (tutor): asking, code updates and conversations, the
learner's and the teacher's. Setups: tutor/tests/matrix.py."""

from tests.permission_matrix.core import Row, authors, signed_in
from tutor.tests import matrix as tutor_matrix

ROWS: list[Row] = [
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
]
