"""The input rules at the edge of the API (docs/security-input.md), through the real
endpoints: invalid Unicode (NUL, lone surrogates) and over-deep JSON are a 400 from the
parser; ids outside 1..2^63-1 are a 404 in a path and a 400 in a body; huge offsets,
search on the pages API and malformed rich text answer without a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learning.accounts.tests.images import image_bytes

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one past the largest id a 64-bit column holds
LONE = '"a\\ud800b"'  # JSON text of a string holding a lone surrogate
NUL = '"a\\u0000b"'  # JSON text of a string holding U+0000


def assert_error(response, status, code=None, attr="any"):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] in {"client_error", "validation_error"}, body
    if code is not None:
        assert code in {e["code"] for e in body["errors"]}, body
    if attr != "any":
        assert attr in {e["attr"] for e in body["errors"]}, body
    return body


def post_raw(client, url, text, method="post"):
    return getattr(client, method)(url, data=text.encode(), content_type="application/json")


@pytest.fixture
def course(build_course):
    return build_course(modules=1, lessons_per_module=2)


@pytest.fixture
def lesson(course):
    from cms.selectors import published_lessons_of_course

    return list(published_lessons_of_course(course))[0]


@pytest.fixture
def learner(auth_client, student, course):
    client = auth_client(student)
    assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    return client


@pytest.fixture
def challenge(lesson, teacher):
    from learning.coding.services import challenge_create

    return challenge_create(
        user=teacher,
        data={
            "lesson": lesson,
            "title": "Echo",
            "prompt": "Print hi.",
            "reference_solution": "console.log('hi')",
            "tests": [{"description": "runs", "code": "assert.ok(true);"}],
        },
    )


# --- row 4: NUL and lone surrogates ---------------------------------------------------------


def progress_body(lesson_id, position_json: str) -> str:
    return (
        '{"events": [{"event_id": "0b6f4f63-2c55-4d0e-9d5a-0c2e1f0f9a11", "type": "lesson_started", '
        f'"lesson_id": {lesson_id}, "occurred_at": "2024-01-01T00:00:00Z", "position": {position_json}}}]}}'
    )


@pytest.mark.parametrize("bad", [LONE, NUL, '{"block": ' + LONE + "}", "{" + LONE + ": 1}"])
def test_invalid_text_in_a_progress_position_is_refused_and_resume_keeps_working(
    learner, course, lesson, bad
):
    from learning.progress.models import LessonProgress

    response = post_raw(learner, "/api/v1/progress/events/", progress_body(lesson.pk, bad))
    assert_error(response, 400, "invalid_unicode")
    assert not LessonProgress.objects.exists()
    assert learner.get(f"/api/v1/courses/{course.pk}/resume/").status_code == 200


def test_a_submission_with_a_lone_surrogate_is_refused_and_the_lists_keep_working(
    auth_client, student, teacher, challenge
):
    from learning.coding.models import Submission

    client = auth_client(student)
    body = '{"source": "console.log(\'\\ud800\')"}'
    assert_error(post_raw(client, f"/api/v1/challenges/{challenge.pk}/submit/", body), 400, "invalid_unicode")
    assert not Submission.objects.exists()
    assert client.get(f"/api/v1/challenges/{challenge.pk}/submissions/").status_code == 200
    assert auth_client(teacher).get("/api/v1/teacher/submissions/").status_code == 200


@pytest.mark.parametrize("bad", [LONE, NUL])
def test_a_draft_with_invalid_text_is_refused(auth_client, student, lesson, bad):
    client = auth_client(student)
    body = '{"version": 0, "files": [{"name": "main.js", "content": ' + bad + "}]}"
    assert_error(post_raw(client, f"/api/v1/lessons/{lesson.pk}/draft/", body, "put"), 400, "invalid_unicode")
    assert client.get(f"/api/v1/lessons/{lesson.pk}/draft/").json()["is_starter"] is True


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/auth/login/",
        "/api/v1/auth/signup/",
        "/api/v1/auth/password/reset/",
        "/api/v1/auth/password/reset/confirm/",
        "/api/v1/auth/verify-email/",
        "/api/v1/auth/verify-email/resend/",
    ],
)
@pytest.mark.parametrize("email", ['"st\\ud800udent@example.test"', '"student@example.test\\u0000"'])
def test_unauthenticated_endpoints_refuse_invalid_text_in_the_email(client, student, url, email):
    body = '{"email": ' + email + ', "password": "x-Password-123", "code": "123456", "new_password": "y"}'
    assert_error(post_raw(client, url, body), 400, "invalid_unicode")


def test_valid_escapes_still_work(auth_client, student):
    """A surrogate pair is one real character; an escaped backslash is not an escape."""
    client = auth_client(student)
    response = post_raw(client, "/api/v1/auth/me/", '{"bio": "\\ud83d\\ude00 \\\\ud800 \\\\u0000"}', "patch")
    assert response.status_code == 200, response.content
    assert response.json()["bio"] == "\U0001f600 \\ud800 \\u0000"


def test_multipart_fields_with_nul_are_refused(auth_client, teacher):
    from wagtail.images import get_image_model

    upload = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    response = auth_client(teacher).post(
        "/api/v1/authoring/images/", {"file": upload, "title": "a\x00b"}, format="multipart"
    )
    assert_error(response, 400, "invalid_unicode")
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(
    "url", ["/api/cms/pages/?search=a%00b", "/api/v1/courses/?search=a%00b", "/api/cms/pages/?a%00=1"]
)
def test_nul_in_a_query_string_is_refused(auth_client, student, course, url):
    assert_error(auth_client(student).get(url), 400, "invalid_unicode")


# --- row 5: nesting depth ---------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("url", "callers"),
    [
        ("/api/v1/auth/login/", ("anonymous", "student")),
        ("/api/v1/auth/signup/", ("anonymous", "student")),
        ("/api/v1/auth/refresh/", ("anonymous", "student")),
        ("/api/v1/auth/password/reset/", ("anonymous",)),
        ("/api/v1/progress/events/", ("student",)),
        ("/api/v1/code/run/", ("student",)),
        ("/api/v1/authoring/import/", ("teacher",)),
    ],
)
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(auth_client, student, teacher, url, callers):
    users = {"anonymous": None, "student": student, "teacher": teacher}
    deep = nested(50_000)  # about 100 KB: used to end in RecursionError
    for caller in callers:
        client = auth_client(users[caller])
        assert_error(post_raw(client, url, deep), 400, "too_deep")
        assert_error(post_raw(client, url, '{"email": ' + nested(40) + "}"), 400, "too_deep")


def test_the_depth_limit_is_exact_and_ignores_brackets_in_strings(learner, lesson, settings):
    settings.API_MAX_JSON_DEPTH = 8
    # {"events": [{ ... "position": <here> }]} is 3 levels; the position adds the rest
    at_limit = progress_body(lesson.pk, '{"a": ' + nested(4) + ', "s": "' + "[" * 100 + '"}')
    response = post_raw(learner, "/api/v1/progress/events/", at_limit)
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 1
    over = progress_body(lesson.pk, '{"a": ' + nested(5) + "}")
    assert_error(post_raw(learner, "/api/v1/progress/events/", over), 400, "too_deep")


def test_a_course_import_document_is_well_within_the_default_depth(auth_client, teacher, course_index):
    from cms.demo import WEB_BASICS

    document = WEB_BASICS.read_text(encoding="utf-8")
    response = post_raw(auth_client(teacher), "/api/v1/authoring/import/", document)
    assert response.status_code == 201, response.content[:500]


# --- row 10: ids, pagination, search, rich text --------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/lessons/{big}/"),
        ("get", "/api/v1/lessons/{big}/draft/"),
        ("get", "/api/v1/courses/{big}/"),
        ("get", "/api/v1/courses/{big}/resume/"),
        ("post", "/api/v1/courses/{big}/enrollment/"),
        ("get", "/api/v1/challenges/{big}/"),
        ("get", "/api/v1/auth/profiles/{big}/"),
        ("delete", "/api/v1/authoring/courses/{big}/"),
        ("put", "/api/v1/authoring/courses/{big}/owners/"),
        ("get", "/api/v1/teacher/challenges/{big}/"),
        ("post", "/api/v1/moderation/{big}/approve/"),
        ("get", "/api/cms/pages/{big}/"),
    ],
)
@pytest.mark.parametrize("big", [TOO_BIG, 10**30])
def test_an_id_too_big_for_the_database_in_a_path_is_a_404(auth_client, admin_user, method, url, big):
    response = getattr(auth_client(admin_user), method)(url.format(big=big), {}, format="json")
    assert_error(response, 404, "not_found")


def test_the_largest_id_is_still_an_ordinary_404(auth_client, student):
    assert_error(auth_client(student).get(f"/api/v1/courses/{TOO_BIG - 1}/"), 404, "not_found")


def test_ids_too_big_in_a_body_are_a_400(auth_client, admin_user, teacher, course, lesson):
    admin = auth_client(admin_user)
    response = admin.put(
        f"/api/v1/authoring/courses/{course.pk}/owners/", {"owners": [TOO_BIG]}, format="json"
    )
    assert_error(response, 400, "max_value", attr="owners.0")
    challenge = {
        "lesson_id": TOO_BIG,
        "title": "x",
        "prompt": "p",
        "reference_solution": "1",
        "tests": [{"description": "d", "code": "assert.ok(true)"}],
    }
    response = auth_client(teacher).post("/api/v1/teacher/challenges/", challenge, format="json")
    assert_error(response, 400, "max_value", attr="lesson_id")
    response = auth_client(teacher).post("/api/v1/teacher/challenges/import/", [challenge], format="json")
    assert response.status_code == 400, response.content
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/", {"parent": TOO_BIG, "title": "x"}, format="json"
    )
    assert_error(response, 400, "max_value", attr="parent")
    response = auth_client(teacher).patch(
        f"/api/v1/authoring/courses/{course.pk}/", {"cover_image": TOO_BIG}, format="json"
    )
    assert_error(response, 400, "max_value", attr="cover_image")


def test_a_progress_event_for_a_too_big_lesson_id_is_rejected_not_a_500(learner, lesson):
    body = progress_body(TOO_BIG, "null")
    response = post_raw(learner, "/api/v1/progress/events/", body)
    assert response.status_code == 200, response.content
    assert response.json()["rejected"] == 1


def test_an_id_filter_too_big_finds_nothing(auth_client, teacher):
    response = auth_client(teacher).get(f"/api/v1/teacher/submissions/?challenge={TOO_BIG}&course={TOO_BIG}")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


def test_search_on_the_pages_api_answers_and_keeps_the_visibility_rule(
    auth_client, student, admin_user, build_course
):
    from cms import services
    from cms.models import LessonPage

    visible = build_course(title="Visible")
    hidden = build_course(title="Hidden")
    # the course goes offline; its lessons stay live below it and must not show
    services.page_unpublish(user=admin_user, page=hidden, include_descendants=False)
    hidden_ids = set(LessonPage.objects.descendant_of(hidden).values_list("pk", flat=True))
    assert LessonPage.objects.filter(pk__in=hidden_ids, live=True).exists()
    client = auth_client(student)
    for query in ("Hidden", "lesson", "Visible"):
        response = client.get(f"/api/cms/pages/?search={query}")
        assert response.status_code == 200, response.content[:500]
        assert not {item["id"] for item in response.json()["items"]} & hidden_ids
    assert visible.live


@pytest.mark.parametrize("url", ["/api/cms/pages/", "/api/cms/images/", "/api/cms/documents/"])
def test_huge_offsets_are_an_empty_page_or_a_400(auth_client, admin_user, course, url):
    client = auth_client(admin_user)
    for offset in (TOO_BIG, 10**20, 10**40):
        response = client.get(f"{url}?offset={offset}")
        assert response.status_code == 200, response.content[:500]
        assert response.json()["items"] == []
    for odd in ("1e20", "-1", "inf", "0x10"):
        assert_error(client.get(f"{url}?offset={odd}"), 400)
        assert_error(client.get(f"{url}?limit={odd}"), 400)


@pytest.mark.parametrize(
    "url", ["/api/v1/courses/", "/api/v1/me/courses/", "/api/v1/authoring/courses/", "/api/v1/moderation/"]
)
def test_huge_or_odd_page_numbers_are_a_clean_answer(auth_client, admin_user, course, url):
    client = auth_client(admin_user)
    for query in (f"page={TOO_BIG}", "page=1e20", "page=-1", f"page_size={TOO_BIG}", "page_size=1e20"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 404), (query, response.content[:300])
        if response.status_code == 404:
            assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("html", "text"),
    [("<p><br></p>", None), ("<p><b>unclosed", "unclosed"), ("<ul><li>one<li>two", "two"), ("</p>x<p>", "x")],
)
def test_malformed_rich_text_is_made_well_formed(auth_client, teacher, lesson, html, text):
    client = auth_client(teacher)
    body = {"body": [{"type": "rich_text", "value": html}]}
    response = client.patch(f"/api/v1/authoring/lessons/{lesson.pk}/", body, format="json")
    assert response.status_code == 200, response.content[:500]
    stored = json.dumps(response.json()["fields"]["body"])
    if text:
        assert text in stored
    response = client.patch(
        f"/api/v1/authoring/courses/{lesson.get_parent().get_parent().pk}/",
        {"prerequisites": html},
        format="json",
    )
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image", "value": {"image": TOO_BIG, "alt": "x", "caption": ""}},
        {"type": "attachment", "value": {"document": TOO_BIG, "title": "x"}},
        {"type": "image", "value": {"image": str(10**30), "alt": "x", "caption": ""}},
    ],
)
def test_ids_too_big_inside_lesson_blocks_are_a_400(auth_client, teacher, lesson, block):
    client = auth_client(teacher)
    response = client.patch(f"/api/v1/authoring/lessons/{lesson.pk}/", {"body": [block]}, format="json")
    assert_error(response, 400)
    document = {
        "title": "Imported",
        "modules": [{"title": "M", "lessons": [{"title": "L", "body": [block]}]}],
    }
    assert_error(client.post("/api/v1/authoring/import/", document, format="json"), 400)


def test_the_schema_documents_path_ids_as_bounded_integers(client):
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path" or not path.startswith("/api/v1/"):
                    continue
                if parameter["schema"].get("format") == "uuid":
                    continue  # a uuid id (an export's): Django's uuid converter bounds it
                if parameter["schema"]["type"] == "string":
                    # a name, not an id (a share token, a file path in a project
                    # preview, an HLS segment): documented by the pattern it must match
                    assert not parameter["name"].endswith("id"), (path, parameter)
                    assert parameter["schema"].get("pattern"), (path, parameter)
                    continue
                assert parameter["schema"]["type"] == "integer", (path, parameter)
                assert parameter["schema"]["maximum"] == TOO_BIG - 1, (path, parameter)
