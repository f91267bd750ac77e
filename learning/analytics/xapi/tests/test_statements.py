"""The statement builder: Event -> xAPI 1.0.3 statement (no LRS needed here; the
forwarding tests check that a real LRS accepts and returns what it builds)."""

from datetime import UTC, datetime

from learning.analytics.xapi.statements import EXTENSIONS, statement_build

from .events import event


def test_a_lesson_view_statement(settings):
    settings.ANALYTICS_XAPI_ACCOUNT_HOMEPAGE = "https://school.example"
    settings.ANALYTICS_XAPI_ACTIVITY_BASE = "https://school.example/xapi/activities"
    item = event(
        "lesson_view",
        module_id=7,
        timestamp=datetime(2026, 11, 30, 9, 15, 0, 123456, tzinfo=UTC),
        extensions={"referrer": "resume"},
    )
    statement = statement_build(item)

    assert statement["id"] == str(item.id)
    assert statement["version"] == "1.0.3"
    assert statement["timestamp"] == "2026-11-30T09:15:00.123Z"
    # the actor is the pseudonym in an account: no mbox, no name
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://school.example", "name": item.actor},
    }
    assert statement["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/experienced",
        "display": {"en-US": "experienced"},
    }
    assert statement["object"] == {
        "objectType": "Activity",
        "id": "https://school.example/xapi/activities/lesson/12",
        "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"},
    }
    context = statement["context"]
    assert context["contextActivities"]["parent"] == [
        {
            "objectType": "Activity",
            "id": "https://school.example/xapi/activities/course/3",
            "definition": {"type": "http://adlnet.gov/expapi/activities/course"},
        }
    ]
    # the module groups it; the lesson is the object itself, so it is not repeated
    assert [a["id"] for a in context["contextActivities"]["grouping"]] == [
        "https://school.example/xapi/activities/module/7"
    ]
    assert context["extensions"] == {EXTENSIONS + "lesson_view": {"referrer": "resume"}}
    assert "result" not in statement


def test_a_quiz_result_with_seconds_and_an_unknown_key(settings):
    item = event(
        "quiz_submitted",
        object_id="44",
        lesson_id=None,
        result={
            "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
            "success": True,
            "duration": 95.5,
            "tries": 2,
        },
    )
    statement = statement_build(item)
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert statement["result"] == {
        "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
        "success": True,
        "duration": "PT95.5S",
        "extensions": {EXTENSIONS + "tries": 2},
    }
    assert "grouping" not in statement["context"]["contextActivities"]


def test_an_event_without_course_or_object_id():
    item = event("user_signed_up", object_id="", course_id=None, lesson_id=None)
    statement = statement_build(item)
    assert statement["object"]["id"].endswith("/platform")
    assert statement["object"]["definition"]["type"] == "https://mrict.dev/xapi/activity-types/platform"
    assert "contextActivities" not in statement["context"]
    assert statement["context"]["extensions"] == {EXTENSIONS + "user_signed_up": {}}
    assert statement["verb"]["display"] == {"en-US": "registered"}


def test_object_ids_are_escaped_into_the_iri(settings):
    settings.ANALYTICS_XAPI_ACTIVITY_BASE = "https://mrict.dev/xapi/activities"
    statement = statement_build(event("code_run", object_id="run 7/a?b", course_id=None, lesson_id=None))
    assert statement["object"]["id"] == "https://mrict.dev/xapi/activities/code/run%207%2Fa%3Fb"
