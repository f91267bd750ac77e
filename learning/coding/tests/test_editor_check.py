"""The challenge editor's Check action (learning/coding/editor_check.py), through Django's
test client and the real sandbox: who may run it, the verdict (the reference solution
must pass every test, the starter code fail at least one), the check of the form's
unsaved contents (validated like a save, nothing written), and the sandbox's limits."""

import re
import socket

import pytest
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning.coding.models import Challenge, ChallengeTest
from learning.coding.tests.helpers import challenge_on_first_lesson

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}  # as the panel's script sends it

SOLUTION = "function sum(n) { return n.reduce((a, b) => a + b, 0) }"
STARTER = "function sum(numbers) {\n  // your code\n}\n"
TESTS = [
    {"description": "sums three numbers", "code": "assert.strictEqual(sum([1, 2, 3]), 6);"},
    {"description": "empty is zero", "code": "assert.strictEqual(sum([]), 0, 'sum([]) should be 0');"},
]


def check_url(challenge=None) -> str:
    if challenge is None:
        return "/admin/snippets/coding/challenge/check/"
    return f"/admin/snippets/coding/challenge/check/{challenge.pk}/"


def form_data(challenge=None, *, lesson=None, tests=None, **fields) -> dict:
    """What the edit form posts (the same field names as the editor's form): the
    challenge's saved values, overridden by `fields` and `tests`."""
    saved = list(challenge.tests.all()) if challenge is not None else []
    values = {
        "lesson": (lesson or challenge.lesson).pk,
        "title": challenge.title if challenge else "New challenge",
        "slug": challenge.slug if challenge else "",
        "prompt": challenge.prompt if challenge else "Write `sum(numbers)`.",
        "language": "javascript",
        "starter_source": challenge.starter_source if challenge else STARTER,
        "reference_solution": challenge.reference_solution if challenge else SOLUTION,
        "sort_order": challenge.sort_order if challenge else 0,
        **fields,
    }
    if tests is None:
        tests = [
            {"id": t.pk, "description": t.description, "kind": t.kind, "code": t.code, "hidden": t.hidden}
            for t in saved
        ]
    rows = []
    for position, test in enumerate(tests):
        row = {"kind": "assert", "code": "", "input": "", "expected_output": "", **test, "ORDER": position}
        if row.get("hidden"):
            row["hidden"] = "on"
        else:
            row.pop("hidden", None)
        row.setdefault("id", "")
        rows.append(row)
    # the hint ladder (tutor) as saved: the Check never looks at it, but the form has it
    hints = list(challenge.hints.all()) if challenge is not None else []
    ladder = [{"id": h.pk, "text": h.text, "ORDER": n} for n, h in enumerate(hints)]
    return nested_form_data(
        {
            **values,
            "tests": inline_formset(rows, initial=len(saved)),
            "hints": inline_formset(ladder, initial=len(hints)),
        }
    )


@pytest.fixture
def course(build_course, teacher):
    return build_course(title="Checked course", owner=teacher)


@pytest.fixture
def challenge(course):
    """A ready challenge: the solution passes both tests, the starter fails them."""
    challenge = challenge_on_first_lesson(course, "Sum of an array")
    challenge.tests.all().delete()
    Challenge.objects.filter(pk=challenge.pk).update(reference_solution=SOLUTION, starter_source=STARTER)
    for position, test in enumerate(TESTS):
        ChallengeTest.objects.create(challenge=challenge, sort_order=position, **test)
    challenge.refresh_from_db()
    return challenge


def logged_in(user, **options) -> Client:
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def post_check(user, challenge=None, data=None, **extra):
    return logged_in(user).post(check_url(challenge), data if data is not None else {}, **XHR, **extra)


def text_of(response) -> str:
    """The fragment's text, tags removed and whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def rows_of(response, report: str) -> list[tuple[str, str]]:
    """(outcome, message) of each test row of one report ("solution" or "starter")."""
    html = response.content.decode()
    section = html.split(f'data-check-report="{report}"', 1)[1].split("</section>", 1)[0]
    return [
        (outcome, re.sub(r"\s+", " ", re.sub(r"</?code>", "", message)).strip())
        for outcome, message in re.findall(
            r'<tr data-outcome="([a-z_]+)">.*?<td data-message>(.*?)</td>', section, flags=re.S
        )
    ]


# --- the verdict ------------------------------------------------------------------------


def test_a_ready_challenge_shows_both_runs_and_the_verdict(teacher, challenge):
    response = post_check(teacher, challenge, form_data(challenge))
    assert response.status_code == 200, response.content[:2000]
    assert response["X-Challenge-Check"] == "1"
    assert 'data-verdict="ready"' in response.content.decode()
    assert rows_of(response, "solution") == [("passed", ""), ("passed", "")]
    starter = rows_of(response, "starter")
    assert [outcome for outcome, _ in starter] == ["failed", "failed"]
    assert "sum([]) should be 0" in starter[1][1]
    text = text_of(response)
    assert "Ready." in text and "passes all 2 tests and the starter code fails 2 of them" in text
    assert "unsaved changes included; nothing was saved" in text


def test_a_failing_reference_solution_is_flagged_with_the_test_message(teacher, challenge):
    broken = "function sum(n) { return n.length ? n.reduce((a, b) => a + b) : undefined }"
    response = post_check(teacher, challenge, form_data(challenge, reference_solution=broken))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="problems"' in html and 'data-problem="solution_fails"' in html
    assert 'data-problem="starter_passes"' not in html
    solution = rows_of(response, "solution")
    assert solution[0] == ("passed", "")
    assert solution[1][0] == "failed" and "sum([]) should be 0" in solution[1][1]
    assert "The reference solution fails 1 of 2 tests" in text_of(response)


def test_a_reference_solution_that_does_not_parse_shows_the_syntax_error(teacher, challenge):
    response = post_check(teacher, challenge, form_data(challenge, reference_solution="function sum( {"))
    assert response.status_code == 200
    assert 'data-problem="solution_fails"' in response.content.decode()
    assert all(
        outcome == "error" and "SyntaxError" in message for outcome, message in rows_of(response, "solution")
    )


def test_a_starter_that_already_passes_is_flagged(teacher, challenge):
    response = post_check(teacher, challenge, form_data(challenge, starter_source=SOLUTION))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-problem="starter_passes"' in html and 'data-problem="solution_fails"' not in html
    assert "The starter code already passes all 2 tests" in text_of(response)


def test_a_starter_that_times_out_fails_and_says_why(teacher, challenge):
    response = post_check(teacher, challenge, form_data(challenge, starter_source="while (true) {}"))
    assert response.status_code == 200
    assert 'data-verdict="ready"' in response.content.decode()
    assert {outcome for outcome, _ in rows_of(response, "starter")} == {"timeout"}
    assert "A test timed out" in text_of(response)


# --- the form's unsaved contents ----------------------------------------------------------


def test_the_unsaved_form_is_checked_and_nothing_is_saved(teacher, challenge):
    before = (challenge.reference_solution, list(challenge.tests.values_list("pk", "description", "code")))
    tests = [{"id": t.pk, "description": t.description, "code": t.code} for t in challenge.tests.all()] + [
        {"description": "a new, unsaved test", "code": "assert.strictEqual(sum([5]), 6, 'five is not six');"}
    ]
    response = post_check(teacher, challenge, form_data(challenge, tests=tests, reference_solution=SOLUTION))
    assert response.status_code == 200
    solution = rows_of(response, "solution")
    assert len(solution) == 3 and solution[2][0] == "failed" and "five is not six" in solution[2][1]
    assert "a new, unsaved test" in response.content.decode()

    challenge.refresh_from_db()
    assert (
        challenge.reference_solution,
        list(challenge.tests.values_list("pk", "description", "code")),
    ) == before


def test_a_deleted_test_in_the_form_is_left_out(teacher, challenge):
    tests = [{"id": t.pk, "description": t.description, "code": t.code} for t in challenge.tests.all()]
    tests[1]["DELETE"] = "on"
    response = post_check(teacher, challenge, form_data(challenge, tests=tests))
    assert response.status_code == 200
    assert len(rows_of(response, "solution")) == 1
    assert challenge.tests.count() == 2


def test_a_new_challenge_is_checked_from_the_add_screen(teacher, challenge):
    data = form_data(lesson=challenge.lesson, tests=TESTS, reference_solution="const nothing = 1;")
    response = post_check(teacher, None, data)
    assert response.status_code == 200, response.content[:2000]
    assert 'data-problem="solution_fails"' in response.content.decode()
    assert Challenge.objects.count() == 1  # only the fixture's


def unreachable_sandbox_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there once closed


def test_an_invalid_form_is_refused_with_its_errors_and_not_run(teacher, challenge, settings):
    settings.SANDBOX_URL = unreachable_sandbox_url()  # a run would be a 503, not a 400
    response = post_check(teacher, challenge, form_data(challenge, title="", tests=[]))
    assert response.status_code == 400
    assert response["X-Challenge-Check"] == "1"
    text = text_of(response)
    assert "Not checked: the form has errors" in text
    assert "Title: This field is required." in text
    assert "Test cases:" in text  # at least one test case (the save's rule)


def test_a_lesson_of_someone_elses_course_is_refused_as_on_save(
    teacher, other_teacher, challenge, build_course
):
    theirs = challenge_on_first_lesson(build_course(title="Theirs", owner=other_teacher), "Theirs")
    response = post_check(teacher, challenge, form_data(challenge, lesson=theirs.lesson))
    assert response.status_code == 400
    assert "Choose a lesson of a course you may edit." in text_of(response)


# --- who may check -------------------------------------------------------------------------


def test_owner_and_admin_may_check(teacher, admin_user, challenge):
    for user in (teacher, admin_user):
        assert post_check(user, challenge, form_data(challenge)).status_code == 200


def test_another_teacher_gets_404_and_learners_and_strangers_403(other_teacher, student, challenge):
    data = form_data(challenge)
    assert post_check(other_teacher, challenge, data).status_code == 404
    assert post_check(student, challenge, data).status_code == 403
    assert post_check(None, challenge, data).status_code == 403
    assert post_check(student, None, data).status_code == 403
    # without the script's header, Wagtail sends them to the login page instead
    assert logged_in(student).post(check_url(challenge), data).status_code == 302


def test_the_check_is_a_csrf_protected_post(teacher, challenge):
    client = logged_in(teacher, enforce_csrf_checks=True)
    assert client.post(check_url(challenge), form_data(challenge), **XHR).status_code == 403
    assert logged_in(teacher).get(check_url(challenge), **XHR).status_code == 405


# --- the sandbox's limits ------------------------------------------------------------------


def test_a_busy_sandbox_says_when_to_try_again(teacher, challenge, settings):
    settings.SANDBOX_MAX_CONCURRENT_PER_USER = 0  # no run slot for anyone: always busy
    settings.SANDBOX_QUEUE_WAIT_MS = 50
    response = post_check(teacher, challenge, form_data(challenge))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "the code sandbox is busy" in text_of(response)
    assert "click Check again" in text_of(response)


def test_an_unavailable_sandbox_is_a_503_that_keeps_the_form(teacher, challenge, settings):
    settings.SANDBOX_URL = unreachable_sandbox_url()
    response = post_check(teacher, challenge, form_data(challenge))
    assert response.status_code == 503
    assert "the code sandbox is unavailable" in text_of(response)


# --- the screen ------------------------------------------------------------------------------


def test_the_edit_and_add_screens_carry_the_check_panel(teacher, challenge):
    client = logged_in(teacher)
    edit = client.get(f"/admin/snippets/coding/challenge/edit/{challenge.pk}/").content.decode()
    assert f'data-challenge-check-url="{check_url(challenge)}"' in edit
    assert "coding/challenge-check.js" in edit
    add = client.get("/admin/snippets/coding/challenge/add/").content.decode()
    assert f'data-challenge-check-url="{check_url()}"' in add


def test_the_demo_challenges_pass_the_check(course_index):
    """The demo's challenges are what a newcomer checks first: all ready."""
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import import_string

    from learning.coding import services

    for loader in ("learning.accounts.demo.load", "cms.demo.load", "learning.coding.demo.load"):
        import_string(loader)()
    admin = get_user_model().objects.get(email="admin@mrict.local")
    for challenge in Challenge.objects.all():
        check = services.challenge_check_both(user=admin, challenge=challenge)
        assert check.ready, (challenge.title, check.problems)


def test_a_web_challenge_is_checked_in_the_editor(teacher, challenge):
    """The Check of an unsaved web challenge: the marked files of the reference solution
    and the starter run as a page, a structure test in V8 and a style test in Chromium."""
    page = (
        '<!doctype html><html><head><link rel="stylesheet" href="style.css"></head>\n'
        "<body><h1>Hi</h1><p>x</p></body></html>\n"
    )
    tests = [
        {"description": "an h1", "code": "assert.exists(document.querySelector('h1'), 'Add an <h1>.');"},
        {
            "description": "blue p",
            "code": (
                "assert.equal(getComputedStyle(document.querySelector('p')).color,"
                " 'rgb(0, 0, 255)', 'Make p blue.');"
            ),
        },
    ]
    data = form_data(
        lesson=challenge.lesson,
        tests=tests,
        language="web",
        reference_solution=page + "<!-- file: style.css -->\np { color: blue; }\n",
        starter_source="<!doctype html><html><body><p>x</p></body></html>\n",
    )
    response = post_check(teacher, None, data)  # the add screen: nothing saved yet
    assert response.status_code == 200, response.content[:2000]
    assert 'data-verdict="ready"' in response.content.decode(), text_of(response)
    assert rows_of(response, "solution") == [("passed", ""), ("passed", "")]
    starter = rows_of(response, "starter")
    assert [outcome for outcome, _ in starter] == ["failed", "failed"]
    assert "Add an &lt;h1&gt;." in starter[0][1] and "Make p blue." in starter[1][1]  # HTML-escaped
