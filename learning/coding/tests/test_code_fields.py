"""A challenge's code fields keep whitespace and store LF line endings, whichever way
they are written (teacher API, the snippet editor's form, the ORM), and the editor shows
them in the code editor (cms.code_editor)."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.code_editor import CodeEditor, CodeTextField, MonospaceTextarea
from cms.models import LessonPage
from learning.coding.models import Challenge, ChallengeTest

pytestmark = pytest.mark.django_db

MESSY = "\tconst x = 3;  \r\n\r\n  // done\t\r\n"
CLEAN = "\tconst x = 3;  \n\n  // done\t\n"


@pytest.fixture
def lesson(build_course, teacher):
    return LessonPage.objects.descendant_of(build_course(owner=teacher)).first()


def test_teacher_api_keeps_whitespace_and_stores_lf(auth_client, teacher, lesson):
    client = auth_client(teacher)
    payload = {
        "lesson_id": lesson.pk,
        "title": "Whitespace",
        "prompt": "Keep it.",
        "starter_source": MESSY,
        "reference_solution": MESSY,
        "tests": [
            {"description": "assert", "code": "assert.equal(x, 3);\r\n  "},
            {"description": "io", "kind": "io", "input": " 1\r\n2 ", "expected_output": "  a\r\n\r\n"},
        ],
    }
    created = client.post("/api/v1/teacher/challenges/", payload, format="json")
    assert created.status_code == 201, created.content
    body = client.get(f"/api/v1/teacher/challenges/{created.json()['id']}/").json()
    assert body["starter_source"] == CLEAN and body["reference_solution"] == CLEAN
    assert body["tests"][0]["code"] == "assert.equal(x, 3);\n  "
    assert (body["tests"][1]["input"], body["tests"][1]["expected_output"]) == (" 1\n2 ", "  a\n\n")


def test_snippet_editor_form_keeps_whitespace_and_stores_lf(client, teacher, lesson):
    challenge = Challenge.objects.create(lesson=lesson, title="Form", prompt="p", reference_solution="x")
    test = ChallengeTest.objects.create(challenge=challenge, description="d", code="assert.ok(1);")
    client.force_login(teacher)
    url = f"/admin/snippets/coding/challenge/edit/{challenge.pk}/"
    page = client.get(url).content.decode()
    for name in ("starter_source", "reference_solution", "tests-0-code"):
        assert f'name="{name}"' in page
    assert page.count('data-controller="code-editor"') >= 3  # + the InlinePanel's template
    form = nested_form_data(
        {
            "lesson": str(lesson.pk),
            "title": "Form",
            "slug": "",
            "prompt": "p",
            "language": "javascript",
            "starter_source": MESSY,
            "reference_solution": MESSY,
            "sort_order": "0",
            "tests": inline_formset(
                [
                    {
                        "id": str(test.pk),
                        "description": "d",
                        "kind": "assert",
                        "code": MESSY,
                        "input": "\t \r\n",
                        "expected_output": "",
                        "hidden": "",
                    }
                ],
                initial=1,
                min=1,
            ),
            "hints": inline_formset([]),  # the hint ladder (tutor), none here
        }
    )
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    challenge.refresh_from_db()
    test.refresh_from_db()
    assert challenge.starter_source == CLEAN and challenge.reference_solution == CLEAN
    assert test.code == CLEAN and test.input == "\t \n"


def test_every_write_through_the_orm_stores_lf(lesson):
    challenge = Challenge.objects.create(lesson=lesson, title="ORM", prompt="p", reference_solution=MESSY)
    assert challenge.reference_solution == CLEAN  # the instance holds what was stored
    Challenge.objects.filter(pk=challenge.pk).update(starter_source="a\r\nb")
    assert Challenge.objects.values_list("starter_source", "reference_solution").get(pk=challenge.pk) == (
        "a\nb",
        CLEAN,
    )


def test_form_fields_of_a_challenge_are_code_fields():
    for model, name, widget in (
        (Challenge, "starter_source", CodeEditor),
        (Challenge, "reference_solution", CodeEditor),
        (ChallengeTest, "code", CodeEditor),
        (ChallengeTest, "input", MonospaceTextarea),
        (ChallengeTest, "expected_output", MonospaceTextarea),
    ):
        field = model._meta.get_field(name)
        assert isinstance(field, CodeTextField)
        form_field = field.formfield()
        assert type(form_field.widget) is widget and form_field.strip is False, name
