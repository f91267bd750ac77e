"""POST /api/v1/code/run/: results, errors, roles, bad input, the code_run event, schema."""

import json

import pytest

from learning.accounts.tests.factories import UserFactory

from .conftest import RUN_URL, run

pytestmark = pytest.mark.django_db


def test_hello_world(auth_client, student):
    response = run(auth_client(student), "console.log('hello', 1 + 1)")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["stdout"] == [{"level": "log", "text": "hello 2"}]
    assert body["error"] is None
    assert body["language"] == "javascript"
    assert body["wall_ms"] >= 0
    assert body["output_truncated"] is False


@pytest.mark.parametrize(
    ("source", "status"),
    [
        ("console.log('fine'); console.warn('w')", "ok"),
        ("null.x", "error"),
        ("let x = ;", "error"),
        ("while (true) console.log('spam')", "output_limit"),
    ],
)
def test_run_bodies_match_the_documented_shape(auth_client, student, source, status):
    """The view builds run bodies directly (no per-line serializer); they must still
    be exactly what CodeRunResultSerializer documents in the schema."""
    from learning.coding.api.serializers import CodeRunResultSerializer

    body = run(auth_client(student), source).json()
    assert body["status"] == status
    documented = CodeRunResultSerializer(data=body)
    assert documented.is_valid(), documented.errors
    assert set(body) == set(CodeRunResultSerializer().fields)
    if body["error"] is not None:
        assert set(body["error"]) == {"name", "message", "file", "line", "column"}


def test_console_levels_are_kept_in_order_and_values_are_inspected(auth_client, student):
    source = """
    console.log('a', [1, 'x', {k: [2, 3]}]);
    console.warn('careful');
    console.error(new Map([[1, 'one']]));
    console.info(null, undefined, -0, 10n, true);
    console.debug({nested: {deeper: {deepest: {gone: 1}}}});
    """
    body = run(auth_client(student), source).json()
    assert body["status"] == "ok"
    assert body["stdout"] == [
        {"level": "log", "text": "a [ 1, 'x', { k: [ 2, 3 ] } ]"},
        {"level": "warn", "text": "careful"},
        {"level": "error", "text": "Map(1) { 1 => 'one' }"},
        {"level": "info", "text": "null undefined -0 10n true"},
        {"level": "log", "text": "{ nested: { deeper: { deepest: [Object] } } }"},
    ]


def test_stdin_is_read_line_by_line(auth_client, student):
    source = "const n = Number(readline()); const name = prompt(); console.log(n * 2, name, readline())"
    body = run(auth_client(student), source, stdin="21\nAda\n").json()
    assert body["stdout"] == [{"level": "log", "text": "42 Ada null"}]


def test_files_run_in_order_and_share_top_level_declarations(auth_client, student):
    files = [
        {"name": "index.html", "content": "<p>not a program</p>"},
        {
            "name": "util.js",
            "content": "const double = (x) => x * 2;\nclass Box { constructor(v) { this.v = v } }",
        },
        {"name": "main.js", "content": "console.log(double(new Box(4).v))"},
    ]
    body = run(auth_client(student), files=files).json()
    assert body["status"] == "ok", body
    assert body["stdout"] == [{"level": "log", "text": "8"}]


def test_runtime_error_has_file_line_and_column(auth_client, student):
    files = [
        {"name": "lib.js", "content": "function boom(o) {\n  return o.missing.deeper;\n}"},
        {"name": "main.js", "content": "console.log('before');\nboom({});"},
    ]
    body = run(auth_client(student), files=files).json()
    assert body["status"] == "error"
    assert body["stdout"] == [{"level": "log", "text": "before"}]
    assert body["error"]["name"] == "TypeError"
    assert "deeper" in body["error"]["message"]
    assert (body["error"]["file"], body["error"]["line"], body["error"]["column"]) == ("lib.js", 2, 20)


def test_syntax_error_has_line_and_column_and_runs_nothing(auth_client, student):
    body = run(auth_client(student), "console.log('never');\nlet x = ;").json()
    assert body["status"] == "error"
    assert body["stdout"] == []
    assert body["error"]["name"] == "SyntaxError"
    assert (body["error"]["file"], body["error"]["line"], body["error"]["column"]) == ("main.js", 2, 9)


def test_syntax_error_at_end_of_input_reads_naturally(auth_client, student):
    body = run(auth_client(student), "function f() {\n  return 1;\n").json()
    assert body["error"]["name"] == "SyntaxError"
    assert body["error"]["message"] == "Unexpected end of input"
    assert body["error"]["line"] == 3


def test_thrown_non_error_values_are_reported(auth_client, student):
    body = run(auth_client(student), "throw 'plain string'").json()
    assert body["status"] == "error"
    assert body["error"]["message"] == "plain string"


def test_timers_run_before_the_program_ends(auth_client, student):
    source = """
    setTimeout(() => console.log('third'), 30);
    Promise.resolve().then(() => console.log('second'));
    const id = setInterval(() => { console.log('tick'); clearInterval(id); }, 5);
    console.log('first');
    """
    body = run(auth_client(student), source).json()
    assert body["status"] == "ok"
    assert [e["text"] for e in body["stdout"]] == ["first", "second", "tick", "third"]


def test_error_in_a_timer_is_an_error_with_its_line(auth_client, student):
    body = run(auth_client(student), "setTimeout(() => {\n  null.x\n}, 1)").json()
    assert body["status"] == "error"
    assert body["error"]["name"] == "TypeError"
    assert body["error"]["line"] == 2


def test_the_completion_value_is_not_sent_back(auth_client, student):
    # Only console output comes back; a script's last value (here a big string) never
    # crosses into Python.
    body = run(auth_client(student), "'x'.repeat(50 * 1024 * 1024)").json()
    assert body["status"] == "ok"
    assert body["stdout"] == []


# --- who may run ---


def test_anonymous_is_401(auth_client):
    assert run(auth_client(None), "1").status_code == 401


@pytest.mark.parametrize("role", ["student", "teacher", "admin"])
def test_every_role_may_run(auth_client, role):
    user = UserFactory(role=role)
    response = run(auth_client(user), "console.log('hi')")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_unverified_account_may_not_run(auth_client):
    user = UserFactory(role="student", email_verified=False)
    response = run(auth_client(user), "console.log('hi')")
    assert response.status_code == 403


# --- bad input ---


def assert_400(response, attr, code):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(e["attr"] == attr and e["code"] == code for e in errors), errors
    return errors


def test_unknown_language_is_a_400_listing_the_supported_ones(auth_client, student):
    response = auth_client(student).post(RUN_URL, {"language": "python", "source": "print(1)"}, format="json")
    errors = assert_400(response, "language", "unsupported_language")
    assert "javascript" in errors[0]["detail"]


@pytest.mark.parametrize(
    "payload, attr, code",
    [
        ({"language": "javascript"}, "source", "invalid"),
        (
            {"language": "javascript", "source": "1", "files": [{"name": "a.js", "content": "1"}]},
            "source",
            "invalid",
        ),
        ({"language": "javascript", "files": []}, "files", "empty"),
        (
            {"language": "javascript", "files": [{"name": "../etc/passwd", "content": "1"}]},
            "files.0.name",
            "invalid_name",
        ),
        (
            {
                "language": "javascript",
                "files": [{"name": "a.js", "content": "1"}, {"name": "a.js", "content": "2"}],
            },
            "files",
            "duplicate",
        ),
        (
            {"language": "javascript", "files": [{"name": "style.css", "content": "p {}"}]},
            "files",
            "no_runnable_file",
        ),
        # NUL is refused by the API's JSON parser, before any field (site_config.api.parsers)
        ({"language": "javascript", "source": "let s = 'a\u0000b'"}, None, "invalid_unicode"),
        ({"language": "javascript", "source": "let s = 'a\u0007b'"}, "source", "binary"),
        ({"language": "javascript", "source": "1", "stdin": "\u0001"}, "stdin", "binary"),
        ({"source": "1"}, "language", "required"),
    ],
)
def test_bad_input_is_a_clear_400(auth_client, student, payload, attr, code):
    assert_400(auth_client(student).post(RUN_URL, payload, format="json"), attr, code)


def test_oversized_source_is_a_400(auth_client, student, settings):
    settings.SANDBOX_MAX_SOURCE_BYTES = 1000
    assert_400(run(auth_client(student), "//" + "x" * 1000), "source", "too_large")


def test_oversized_stdin_is_a_400(auth_client, student, settings):
    settings.SANDBOX_MAX_STDIN_BYTES = 10
    assert_400(run(auth_client(student), "1", stdin="x" * 11), "stdin", "too_large")


# --- the event ---


def test_every_run_publishes_code_run_without_the_code(
    auth_client, student, events, django_capture_on_commit_callbacks
):
    secret = "const secretMarker = 'do-not-log-me';"
    with django_capture_on_commit_callbacks(execute=True):
        run(auth_client(student), secret + "console.log(1)")
        run(auth_client(student), secret + "while (true) {}")
    runs = [e for e in events if e.name == "code_run"]
    assert [e.status for e in runs] == ["ok", "timeout"]
    first = runs[0]
    assert first.user_id == student.pk and first.language == "javascript"
    assert first.source_bytes == len((secret + "console.log(1)").encode())
    assert first.wall_ms >= 0
    assert "do-not-log-me" not in json.dumps([e.to_payload() for e in runs])


def test_run_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/code/run/"]["post"]
    assert operation["requestBody"]
    assert {"200", "400", "401", "429"} <= set(operation["responses"])
