"""The hint ladder of a challenge (issue 13): authored in the Wagtail snippet editor as
ordered inline hints, or given as `hints` in a challenge or course import; ordered from
a nudge to a near-solution."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.models import LessonPage
from learning.coding.models import Challenge

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/teacher/challenges/import/"
LADDER = ["Think about the empty case.", "Loop over the items.", "Add each item to a running total."]


def sum_challenge(lesson, **over):
    item = {
        "slug": "sum",
        "title": "Sum",
        "prompt": "Write `sum(a, b)`.",
        "reference_solution": "function sum(a, b) { return a + b; }",
        "tests": [{"description": "1 + 2", "code": "assert.strictEqual(sum(1, 2), 3);"}],
        **over,
    }
    if lesson is not None:
        item["lesson_id"] = lesson.pk
    return item


@pytest.fixture
def lesson(build_course):
    return LessonPage.objects.descendant_of(build_course()).live().first()


def hints_of(challenge) -> list[str]:
    return list(challenge.hints.order_by("sort_order").values_list("text", flat=True))


def test_import_keeps_the_ladder_in_order_and_a_reimport_without_hints_keeps_it(auth_client, teacher, lesson):
    client = auth_client(teacher)
    response = client.post(IMPORT_URL, {"challenges": [sum_challenge(lesson, hints=LADDER)]}, format="json")
    assert response.status_code == 201, response.content
    challenge = Challenge.objects.get()
    assert hints_of(challenge) == LADDER

    # re-imported without `hints`: the ladder (maybe edited in Wagtail since) stays
    response = client.post(
        IMPORT_URL, {"challenges": [sum_challenge(lesson, title="Sum two")]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert hints_of(challenge) == LADDER
    # with `hints`: replaced
    response = client.post(
        IMPORT_URL, {"challenges": [sum_challenge(lesson, hints=["Only one."])]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert hints_of(challenge) == ["Only one."]


@pytest.mark.parametrize(
    ("hints", "attr", "code"),
    [
        ("one hint", "challenges.0.hints", "invalid"),
        (["ok", ""], "challenges.0.hints.1.text", "blank"),
        (["ok", 3], "challenges.0.hints.1.text", "invalid"),
        (["x"] * 11, "challenges.0.hints", "too_many"),
        (["x" * 2001], "challenges.0.hints.0.text", "max_length"),
    ],
)
def test_bad_hints_are_refused_naming_the_place(auth_client, teacher, lesson, hints, attr, code):
    response = auth_client(teacher).post(
        IMPORT_URL, {"challenges": [sum_challenge(lesson, hints=hints)]}, format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == (attr, code)
    assert not Challenge.objects.exists()


def test_course_import_carries_the_ladder(auth_client, teacher, course_index):
    document = {
        "title": "Hinted course",
        "summary": "With a ladder.",
        "modules": [{"title": "M", "lessons": [{"title": "L", "challenges": [sum_challenge(lesson=None)]}]}],
    }
    document["modules"][0]["lessons"][0]["challenges"][0]["hints"] = LADDER
    response = auth_client(teacher).post("/api/v1/authoring/import/", document, format="json")
    assert response.status_code == 201, response.content
    assert hints_of(Challenge.objects.get()) == LADDER


def test_the_ladder_is_authored_in_the_snippet_editor(admin_user, lesson):
    admin_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="coding", content_type__model="challenge")
    )
    client = Client()
    client.force_login(admin_user)
    form = nested_form_data(
        {
            "lesson": str(lesson.pk),
            "title": "Sum in the editor",
            "prompt": "Write `sum(a, b)`.",
            "language": "javascript",
            "starter_source": "",
            "reference_solution": "function sum(a, b) { return a + b; }",
            "sort_order": "0",
            "tests": inline_formset(
                [
                    {
                        "description": "1 + 2",
                        "kind": "assert",
                        "code": "assert.strictEqual(sum(1, 2), 3);",
                        "hidden": "",
                    }
                ]
            ),
            # listed last-first, ordered by the editor's ORDER field
            "hints": inline_formset(
                [
                    {"text": LADDER[2], "ORDER": "3"},
                    {"text": LADDER[0], "ORDER": "1"},
                    {"text": LADDER[1], "ORDER": "2"},
                ]
            ),
        }
    )
    response = client.post("/admin/snippets/coding/challenge/add/", form)
    assert response.status_code == 302, response.content[:3000]
    challenge = Challenge.objects.get(title="Sum in the editor")
    assert hints_of(challenge) == LADDER

    page = client.get(f"/admin/snippets/coding/challenge/edit/{challenge.pk}/")
    assert page.status_code == 200
    assert b"Hint ladder" in page.content and LADDER[1].encode() in page.content
