"""Web challenges (language "web"): a page of files graded on its DOM, through the real
API, the real sandbox pool (V8 + linkedom) and real headless Chromium for style tests."""

import pytest

from cms.models import LessonPage
from learning.coding.models import Challenge, Submission
from learning.coding.rules import challenge_code_files

pytestmark = pytest.mark.django_db

REFERENCE = """<!doctype html>
<html>
<head><link rel="stylesheet" href="style.css"></head>
<body>
  <h1 class="title">My page</h1>
  <p>One</p>
  <p>Two</p>
  <ul id="list"></ul>
  <script src="script.js"></script>
</body>
</html>
<!-- file: style.css -->
p { color: blue; }
<!-- file: script.js -->
for (const word of ["a", "b", "c"]) {
  const item = document.createElement("li");
  item.textContent = word;
  document.getElementById("list").appendChild(item);
}
"""

STARTER = """<!doctype html>
<html><body>
  <!-- your page -->
</body></html>
"""

TESTS = [
    {
        "description": "has an h1",
        "code": "assert.exists(document.querySelector('h1'), 'Add an <h1> to the page.');",
    },
    {
        "description": "the h1 has the class title",
        "code": (
            "assert.isTrue(document.querySelector('h1').classList.contains('title'),"
            " 'Give the h1 the class title.');"
        ),
    },
    {
        "description": "the script fills the list",
        "code": "assert.lengthOf(document.querySelectorAll('#list li'), 3, 'The list needs 3 items.');",
    },
    {
        "description": "paragraphs are blue",
        "code": (
            "const ps = document.querySelectorAll('p');\n"
            "assert.isAbove(ps.length, 0, 'Add paragraphs.');\n"
            "for (const p of ps)\n"
            "  assert.equal(getComputedStyle(p).color, 'rgb(0, 0, 255)', 'Make every p blue.');"
        ),
    },
]


def web_files(html: str, css: str = "p { color: blue; }", js: str = "") -> list[dict]:
    files = [{"name": "index.html", "content": html}, {"name": "style.css", "content": css}]
    if js:
        files.append({"name": "script.js", "content": js})
    return files


GOOD_HTML = """<!doctype html><html><head><link rel="stylesheet" href="style.css"></head>
<body><h1 class="title">Hi</h1><p>text</p><ul id="list"></ul>
<script src="script.js"></script></body></html>"""
GOOD_JS = """['x', 'y', 'z'].forEach((t) => {
  const li = document.createElement('li');
  li.textContent = t;
  document.getElementById('list').appendChild(li);
});"""


@pytest.fixture(autouse=True)
def web_wall_time(settings):
    # V8 keeps the coding tests' short wall time; the browser its default budget
    settings.SANDBOX_WALL_TIME_MS = 1000


@pytest.fixture
def lesson(build_course):
    course = build_course()
    return LessonPage.objects.descendant_of(course).live().first()


@pytest.fixture
def web_challenge(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "A first page",
            "prompt": "Give the page an h1 and make every p blue.",
            "language": "web",
            "starter_source": STARTER,
            "reference_solution": REFERENCE,
            "tests": TESTS,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Challenge.objects.get(pk=response.json()["id"])


def submit(client, challenge, files):
    return client.post(f"/api/v1/challenges/{challenge.pk}/submit/", {"files": files}, format="json")


def test_bundle_format_splits_files():
    files = challenge_code_files(language="web", text=REFERENCE, name="solution.js")
    assert [(name, lang) for name, _, lang in files] == [
        ("index.html", "html"),
        ("style.css", "css"),
        ("script.js", "javascript"),
    ]
    assert files[1][1].strip() == "p { color: blue; }"
    assert challenge_code_files(language="javascript", text="x", name="main.js") == [
        ("main.js", "x", "javascript")
    ]


def test_a_correct_page_passes(auth_client, student, web_challenge):
    response = submit(auth_client(student), web_challenge, web_files(GOOD_HTML, js=GOOD_JS))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [r["outcome"] for r in body["results"]] == ["passed"] * 4, body["results"]
    assert body["passed"] is True
    assert Submission.objects.get(pk=body["id"]).files[0]["name"] == "index.html"


def test_a_page_missing_the_element_fails_with_the_tests_message(auth_client, student, web_challenge):
    html = GOOD_HTML.replace('<h1 class="title">Hi</h1>', "")
    body = submit(auth_client(student), web_challenge, web_files(html, js=GOOD_JS)).json()
    first = body["results"][0]
    assert first["outcome"] == "failed"
    assert first["message"].startswith("Add an <h1> to the page.")
    assert body["passed"] is False
    # the next test throws on the missing element: an error, named
    assert body["results"][1]["outcome"] == "error" and "TypeError" in body["results"][1]["message"]


def test_a_style_test_reads_a_computed_colour(auth_client, student, web_challenge):
    red = submit(
        auth_client(student), web_challenge, web_files(GOOD_HTML, css="p { color: red }", js=GOOD_JS)
    )
    result = red.json()["results"][3]
    assert result["outcome"] == "failed"
    assert "Make every p blue." in result["message"] and "rgb(255, 0, 0)" in result["message"]
    # the cascade counts: a class selector that wins over the element selector
    css = "p { color: red } body p { color: rgb(0, 0, 255) }"
    blue = submit(auth_client(student), web_challenge, web_files(GOOD_HTML, css=css, js=GOOD_JS))
    assert blue.json()["results"][3]["outcome"] == "passed"


def test_an_infinite_loop_in_the_page_is_stopped(auth_client, student, web_challenge, settings):
    html = GOOD_HTML.replace("</body>", "<script>while (true) {}</script></body>")
    response = submit(auth_client(student), web_challenge, web_files(html, js=GOOD_JS))
    assert response.status_code == 201, response.content
    results = response.json()["results"]
    # every test (the V8 ones and the Chromium one) ends at the wall time
    assert [r["outcome"] for r in results] == ["timeout"] * 4, results
    stored = Submission.objects.get(pk=response.json()["id"]).results
    assert all(r["wall_ms"] < settings.SANDBOX_WALL_TIME_MS + 1000 for r in stored[:3]), stored
    assert stored[3]["wall_ms"] < settings.WEB_BROWSER_WALL_TIME_MS + 3000, stored


def test_the_page_cannot_reach_the_network(auth_client, student, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "fetch",
            "prompt": "-",
            "language": "web",
            "reference_solution": "<p>x</p>",
            "tests": [
                {
                    "description": "style + network",
                    "code": (
                        "getComputedStyle(document.body);\n"
                        "let failed = false;\n"
                        "try { await fetch('https://example.com/'); } catch (e) { failed = true; }\n"
                        "assert.isTrue(failed, 'the network is blocked');"
                    ),
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    challenge = Challenge.objects.get(pk=response.json()["id"])
    html = (
        "<p>x</p><img src='https://example.com/beacon.png'>"
        "<script>fetch('http://169.254.169.254/').catch(() => console.log('blocked'))</script>"
    )
    body = submit(auth_client(student), challenge, [{"name": "index.html", "content": html}]).json()
    assert body["results"][0]["outcome"] == "passed", body


def test_source_of_a_web_challenge_is_the_marked_bundle(auth_client, student, web_challenge):
    response = auth_client(student).post(
        f"/api/v1/challenges/{web_challenge.pk}/submit/", {"source": REFERENCE}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["passed"] is True


def test_teacher_check_runs_the_reference_solution(auth_client, teacher, web_challenge):
    response = auth_client(teacher).post(f"/api/v1/teacher/challenges/{web_challenge.pk}/check/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is True, body
    web_challenge.refresh_from_db()
    assert web_challenge.last_check_passed is True


def test_import_verifies_a_web_challenge(auth_client, teacher, lesson):
    document = {
        "challenges": [
            {
                "lesson_id": lesson.pk,
                "slug": "first-page",
                "title": "A first page",
                "prompt": "h1, blue p",
                "language": "web",
                "starter_source": STARTER,
                "reference_solution": REFERENCE,
                "tests": TESTS,
            }
        ]
    }
    response = auth_client(teacher).post("/api/v1/teacher/challenges/import/", document, format="json")
    assert response.status_code in (200, 201), response.content
    assert Challenge.objects.get(slug="first-page").language == "web"
    broken = {"challenges": [{**document["challenges"][0], "reference_solution": "<p>no heading</p>"}]}
    response = auth_client(teacher).post("/api/v1/teacher/challenges/import/", broken, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "reference_fails"


def test_the_run_endpoint_runs_a_page(auth_client, student):
    response = auth_client(student).post(
        "/api/v1/code/run/",
        {
            "language": "web",
            "files": [
                {"name": "index.html", "content": "<h1>Hi</h1><script src='app.js'></script>"},
                {"name": "app.js", "content": "console.log(document.querySelector('h1').textContent)"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [e["text"] for e in response.json()["stdout"]] == ["Hi"]
