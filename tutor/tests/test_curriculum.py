"""The curriculum document (issue 13, item 1): exported from published Wagtail content,
valid against tutor/schema/curriculum.schema.json, private parts kept apart, and a
checker whose errors name the JSON path of the bad node."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import services
from cms.models import LessonPage, ModulePage
from tutor.curriculum.export import curriculum_export
from tutor.curriculum.validation import curriculum_problems

from .conftest import small_curriculum

pytestmark = pytest.mark.django_db

SOLUTION = "function sum(a, b) { return a + b; } // koalaSecret"


def add_challenge(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/import/",
        {
            "challenges": [
                {
                    "lesson_id": lesson.pk,
                    "title": "Sum",
                    "prompt": "Write `sum(a, b)`.",
                    "starter_source": "function sum(a, b) {}\n",
                    "reference_solution": SOLUTION,
                    "hints": ["Two numbers go in.", "Use the + operator."],
                    "tests": [
                        {"description": "1 + 2", "code": "assert.strictEqual(sum(1, 2), 3);"},
                        {
                            "description": "hidden negatives",
                            "code": "assert.strictEqual(sum(-1, -2), -3);",
                            "hidden": True,
                        },
                        {"description": "io", "kind": "io", "input": "", "expected_output": ""},
                    ],
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_export_of_published_content(build_course, auth_client, teacher, admin_user):
    course = build_course(modules=2, title="Web")
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    first = LessonPage.objects.child_of(modules[0]).get()
    add_challenge(auth_client, teacher, first)
    # a draft lesson, and a module taken offline: neither is exported
    services.lesson_create(user=teacher, parent=modules[0], title="Draft only")
    services.page_unpublish(user=admin_user, page=modules[1])

    document = curriculum_export()
    assert curriculum_problems(document) == []
    assert (document["format"], document["version"]) == ("mrict-curriculum", 1)
    (exported,) = document["courses"]
    assert (exported["id"], exported["title"], exported["tags"]) == (course.pk, "Web", ["html"])
    assert [m["id"] for m in exported["modules"]] == [modules[0].pk]
    (lesson,) = exported["modules"][0]["lessons"]
    assert lesson["id"] == first.pk
    assert [(s["anchor"], s["title"]) for s in lesson["sections"]] == [("part-0", "Part 0")]
    section = lesson["sections"][0]
    assert section["text"] == "Lesson 0 text with bold.\nTip\nTry it."
    assert section["code_examples"] == [{"language": "html", "code": "<h1>Hi</h1>", "caption": ""}]
    (challenge,) = lesson["challenges"]
    assert challenge["hints"] == ["Two numbers go in.", "Use the + operator."]
    assert [t["description"] for t in challenge["tests"]] == ["1 + 2", "io"]
    assert challenge["private"]["reference_solution"] == SOLUTION
    assert [t["description"] for t in challenge["private"]["tests"]] == ["hidden negatives"]

    public = curriculum_export(include_private=False)
    assert curriculum_problems(public) == []
    assert "private" not in public["courses"][0]["modules"][0]["lessons"][0]["challenges"][0]
    assert "koalaSecret" not in json.dumps(public) and "hidden negatives" not in json.dumps(public)


def test_the_glossary_authored_on_the_course_is_exported_once_published(build_course, admin_user):
    from tutor.curriculum.chunks import curriculum_chunks

    course = build_course(title="Web")
    term = {"term": "Selector", "definition": "The part of a CSS rule that picks the elements it styles."}
    course.glossary = [("term", term)]
    course.save_revision(user=admin_user)  # a draft: learners and the tutor see nothing yet
    assert curriculum_export()["courses"][0]["glossary"] == []

    course.get_latest_revision().publish(user=admin_user)
    document = curriculum_export()
    assert curriculum_problems(document) == []
    assert document["courses"][0]["glossary"] == [term]
    (chunk,) = [c for c in curriculum_chunks(document) if c.meta["kind"] == "glossary"]
    assert chunk.meta["section_anchor"] == "glossary-selector"
    assert chunk.text == f"Selector: {term['definition']}"


def test_export_queries_do_not_grow_with_the_content(build_course):
    build_course(modules=1, title="Small")
    with CaptureQueriesContext(connection) as small:
        curriculum_export()
    build_course(modules=3, lessons_per_module=2, title="Big")
    with CaptureQueriesContext(connection) as both:
        document = curriculum_export()
    assert len(document["courses"]) == 2
    # courses and their tags (2), then per course, whatever its size: modules, lessons,
    # challenges (3); 6 lessons in 3 modules cost what 1 lesson does
    assert (len(small), len(both)) == (2 + 3, 2 + 3 + 3)


def test_export_and_validate_commands(build_course, tmp_path):
    build_course(modules=1, title="Web")
    path = tmp_path / "curriculum.json"
    err = io.StringIO()
    call_command("export_curriculum", "--output", str(path), "--public-only", stderr=err)
    assert "Wrote 1 course(s), 1 lesson(s)" in err.getvalue()
    out = io.StringIO()
    call_command("validate_curriculum", str(path), stdout=out)
    assert "valid (1 course(s), 1 lesson(s))" in out.getvalue()


def check(tmp_path, document) -> str:
    path = tmp_path / "bad.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    with pytest.raises(CommandError) as raised:
        call_command("validate_curriculum", str(path), stdout=io.StringIO())
    return str(raised.value)


def test_validate_names_the_json_path_of_each_bad_node(tmp_path):
    bad = small_curriculum()
    lessons = bad["courses"][0]["modules"][0]["lessons"]
    lessons[1]["id"] = "302"
    del lessons[0]["title"]
    lessons[0]["sections"][1]["colour"] = "red"
    bad["courses"][1]["modules"][0]["lessons"][0]["challenges"][0]["hints"] = ["ok", ""]
    message = check(tmp_path, bad)
    assert "4 problems" in message
    assert "$.courses[0].modules[0].lessons[1].id: '302' is not of type 'integer'" in message
    assert "$.courses[0].modules[0].lessons[0]: 'title' is missing" in message
    assert (
        "$.courses[0].modules[0].lessons[0].sections[1]: Unknown key(s) ('colour' was unexpected)" in message
    )
    assert "$.courses[1].modules[0].lessons[0].challenges[0].hints[1]: '' should be non-empty" in message


def test_validate_rules_beyond_the_schema(tmp_path):
    twice = small_curriculum()
    twice["courses"][1]["modules"][0]["lessons"][0]["id"] = 301
    twice["courses"][0]["modules"][0]["lessons"][0]["sections"][1]["anchor"] = "top"
    message = check(tmp_path, twice)
    assert (
        "$.courses[1].modules[0].lessons[0].id: lesson id 301 is used twice (first at $.courses[0]" in message
    )
    assert "$.courses[0].modules[0].lessons[0].sections[1].anchor: Anchor 'top' is used twice" in message

    future = small_curriculum() | {"version": 2}
    assert "$.version: Version 2 is not known here (this reader: 1)" in check(tmp_path, future)
    assert "$: Not JSON: Expecting value at line 1, column 1" in check(tmp_path, "not json")
    missing = tmp_path / "nowhere.json"
    with pytest.raises(CommandError, match=r"\$: Cannot read .*nowhere.json"):
        call_command("validate_curriculum", str(missing), stdout=io.StringIO())
