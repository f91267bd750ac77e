"""The dashboard API through real HTTP calls with real JWTs: series read from the
rollups (built here from raw rows by the rebuild), every bucket present, week and month
buckets; who reads what (admins anything, teachers their own courses, organisation
admins their organisation, students nothing); bad input in the one error shape; a
constant number of queries whatever the range."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.models import Organisation
from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.analytics.rollups.services import rollups_rebuild

from .helpers import actor, at, event, store, structure

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/dashboards/"
MON = dt.date(2026, 9, 7)  # a Monday


@pytest.fixture
def world(build_course, teacher, other_teacher):
    """Two organisations, the teacher's course and another teacher's, and events:
    org 1 learners a, b in the teacher's course; org 2 learner c in the other course."""
    org1 = Organisation.objects.create(name="School one", slug="one")
    org2 = Organisation.objects.create(name="School two", slug="two")
    mine = build_course(modules=1, lessons_per_module=2, title="Mine")
    theirs = build_course(modules=1, lessons_per_module=1, title="Theirs", owner=other_teacher)
    ((m1, (l1, l2)),) = structure(mine)
    ((m2, (l3,)),) = structure(theirs)
    actor("a", MON, org1.pk)
    actor("b", MON, org1.pk)
    actor("c", MON + dt.timedelta(days=1), org2.pk)
    rows = [
        event("enrolled", "a", at(MON, 9), course=mine.pk, org=org1.pk),
        event("lesson_started", "a", at(MON, 10), course=mine.pk, lesson=l1, org=org1.pk),
        event("lesson_completed", "a", at(MON, 11), course=mine.pk, module=m1, lesson=l1, org=org1.pk),
        event("lesson_completed", "a", at(MON, 12), course=mine.pk, module=m1, lesson=l2, org=org1.pk),
        event("course_completed", "a", at(MON + dt.timedelta(days=2), 12), course=mine.pk, org=org1.pk),
        event("enrolled", "b", at(MON, 9), course=mine.pk, org=org1.pk),
        event("lesson_view", "b", at(MON + dt.timedelta(days=1)), course=mine.pk, lesson=l1, org=org1.pk),
        event("hint_requested", "b", at(MON + dt.timedelta(days=1)), course=mine.pk, lesson=l2, org=org1.pk),
        event("enrolled", "c", at(MON + dt.timedelta(days=1)), course=theirs.pk, org=org2.pk),
        event("lesson_view", "c", at(MON + dt.timedelta(days=1)), course=theirs.pk, lesson=l3, org=org2.pk),
        event("code_run", "c", at(MON + dt.timedelta(days=8)), org=org2.pk),
    ]
    store(rows)
    rollups_rebuild()
    return {"org1": org1, "org2": org2, "mine": mine, "theirs": theirs, "lessons": (l1, l2, l3), "module": m1}


@pytest.fixture
def org_admin(world):
    return UserFactory(
        email="head@example.test", role="student", organisation=world["org1"], organisation_admin=True
    )


def get(client, metric, *, if_none_match=None, **params):
    query = {"from": MON.isoformat(), "to": (MON + dt.timedelta(days=13)).isoformat()} | params
    headers = {"HTTP_IF_NONE_MATCH": if_none_match} if if_none_match else {}
    return client.get(f"{URL}{metric}/", query, **headers)


def values(response, series=0):
    assert response.status_code == 200, response.content
    return [p["value"] for p in response.json()["series"][series]["points"]]


def test_admin_reads_platform_series_in_day_week_and_month_buckets(world, admin_user, auth_client):
    client = auth_client(admin_user)
    daily = get(client, "active_learners")
    body = daily.json()
    assert (body["from"], body["to"], body["granularity"]) == ("2026-09-07", "2026-09-20", "day")
    assert values(daily)[:3] == [2, 2, 1] and values(daily)[8] == 1 and sum(values(daily)) == 6
    assert len(values(daily)) == 14  # every bucket, empty ones as 0
    assert values(get(client, "active_learners", granularity="week")) == [3, 1]
    assert values(get(client, "active_learners", granularity="month")) == [3]
    assert values(get(client, "lesson_views", granularity="week")) == [2, 0]
    assert values(get(client, "code_runs", granularity="week")) == [0, 1]
    assert values(get(client, "new_signups", granularity="week")) == [3, 0]
    assert values(get(client, "enrolments", granularity="month")) == [3]


def test_rates_funnels_medians_retention_and_per_lesson_series(world, admin_user, auth_client):
    client = auth_client(admin_user)
    mine = world["mine"].pk
    rate = get(client, "completion_rate", course=mine, granularity="week").json()["series"][0]["points"][0]
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (0.5, 1, 2)
    funnel = get(client, "funnel", course=mine, granularity="month").json()["series"]
    assert [(s["key"]["step"], s["points"][0]["value"]) for s in funnel] == [
        ("enrolled", 2),
        ("started_first_lesson", 1),
        ("completed_module_1", 1),
        ("completed_course", 1),
    ]
    modules = get(client, "module_completion_rate", course=mine, granularity="month").json()["series"]
    assert [(s["key"]["module_id"], s["points"][0]["value"]) for s in modules] == [(world["module"], 0.5)]
    median = get(client, "median_time_to_complete", course=mine, granularity="week").json()["series"][0]
    assert median["points"][0]["value"] == dt.timedelta(days=2, hours=3).total_seconds()
    assert median["points"][1] == {"start": "2026-09-14", "value": None, "numerator": None, "denominator": 0}
    hints = get(client, "hints_per_lesson", course=mine, granularity="month").json()["series"]
    assert [(s["key"]["lesson_id"], s["points"][0]["value"]) for s in hints] == [(world["lessons"][1], 1)]
    retention = get(client, "retention").json()
    assert retention["granularity"] == "week"
    cohort = retention["series"][0]
    assert cohort["key"]["cohort"] == "2026-09-07" and cohort["key"]["cohort_size"] == 3
    assert [(p["numerator"], p["denominator"]) for p in cohort["points"][:2]] == [(3, 3), (1, 3)]


def test_teacher_reads_own_course_only(world, teacher, other_teacher, auth_client):
    client = auth_client(teacher)
    assert values(get(client, "lesson_views", course=world["mine"].pk, granularity="week")) == [1, 0]
    assert_error(get(client, "lesson_views", course=world["theirs"].pk), 404)
    assert_error(get(client, "lesson_views"), 400, "course_required", "course")
    assert_error(get(client, "new_signups"), 403)
    assert_error(get(client, "retention"), 403)
    assert_error(get(client, "lesson_views", course=987654), 404)
    # the other teacher reads theirs, not ours
    other = auth_client(other_teacher)
    assert values(get(other, "lesson_views", course=world["theirs"].pk, granularity="week")) == [1, 0]
    assert_error(get(other, "funnel", course=world["mine"].pk), 404)


def test_organisation_admin_reads_own_organisation_only(world, org_admin, auth_client):
    client = auth_client(org_admin)
    narrowed = get(client, "active_learners", granularity="week")
    assert narrowed.json()["organisation"] == world["org1"].pk
    assert values(narrowed) == [2, 0]  # a and b; not c of the other organisation
    assert values(get(client, "new_signups", granularity="week")) == [2, 0]
    assert values(get(client, "code_runs", granularity="week")) == [0, 0]
    assert get(client, "active_learners", organisation=world["org1"].pk).status_code == 200
    assert_error(get(client, "active_learners", organisation=world["org2"].pk), 404)
    assert_error(get(client, "lesson_views", organisation=world["org2"].pk, course=world["theirs"].pk), 404)
    # a course, inside their organisation: the other organisation's learners are not in it
    theirs = get(client, "lesson_views", course=world["theirs"].pk, granularity="week")
    assert theirs.json()["organisation"] == world["org1"].pk and values(theirs) == [0, 0]
    assert client.get(URL).status_code == 200


def test_students_and_anonymous_callers_are_refused(world, student, auth_client):
    assert_error(auth_client(student).get(URL), 403)
    assert_error(get(auth_client(student), "active_learners"), 403)
    assert_error(get(auth_client(student), "nonsense"), 403)
    assert_error(auth_client(None).get(URL), 401)
    assert_error(get(auth_client(None), "active_learners"), 401)


def test_metric_list_names_every_metric(admin_user, auth_client):
    body = auth_client(admin_user).get(URL).json()
    names = [m["name"] for m in body["metrics"]]
    assert "active_learners" in names and "funnel" in names and "retention" in names
    assert {"by_course", "by_organisation", "per", "kind", "unit"} <= set(body["metrics"][0])


@pytest.mark.parametrize(
    ("metric", "params", "status", "code", "attr"),
    [
        ("nonsense", {}, 404, None, None),
        ("active_learners", {"from": "2026-09-10", "to": "2026-09-01"}, 400, "invalid_range", "from"),
        ("active_learners", {"from": "2020-01-01", "to": "2026-09-01"}, 400, "range_too_long", "from"),
        ("active_learners", {"from": "yesterday"}, 400, "invalid", "from"),
        ("active_learners", {"granularity": "hour"}, 400, "invalid_choice", "granularity"),
        ("retention", {"granularity": "day"}, 400, "invalid_choice", "granularity"),
        ("active_learners", {"colour": "red"}, 400, "unknown_field", None),
        ("active_learners", {"course": "0"}, 400, "min_value", "course"),
        ("active_learners", {"course": "99999999999999999999"}, 400, "max_value", "course"),
        ("active_learners", {"course": "123456"}, 404, None, None),
        ("active_learners", {"organisation": "123456"}, 404, None, None),
        ("hints_per_lesson", {}, 400, "course_required", "course"),
        ("new_signups", {"course": "1"}, 400, "not_by_course", "course"),
    ],
)
def test_bad_input_is_a_4xx_in_the_error_shape(
    world, admin_user, auth_client, metric, params, status, code, attr
):
    assert_error(get(auth_client(admin_user), metric, **params), status, code, attr)


def test_constant_queries_whatever_the_range(world, admin_user, teacher, auth_client):
    client = auth_client(admin_user)

    def count(metric, **params):
        with CaptureQueriesContext(connection) as ctx:
            response = get(client, metric, **params)
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    count("code_runs")  # the first read makes the cache's version token (read_cache.py)
    short = count("active_learners", **{"to": MON.isoformat()})
    assert count("active_learners", **{"from": "2025-10-01", "to": "2026-09-30"}) == short
    assert (
        count("funnel", **{"course": world["mine"].pk, "from": "2025-10-01"}) == short + 1
    )  # + the course check
    assert count("retention", **{"from": "2025-10-01"}) == short


def test_a_cached_series_is_answered_until_the_rollups_change(
    world, admin_user, auth_client, django_capture_on_commit_callbacks
):
    """A repeat read is answered from the cache (no rollup row read, the same bytes);
    once the rollup job has recomputed a day (after its commit) the next read has the
    new numbers: never the previous ones."""
    from learning.analytics.rollups.services import rollups_update

    client = auth_client(admin_user)
    first = get(client, "lesson_views", granularity="week")
    assert values(first) == [2, 0]
    with CaptureQueriesContext(connection) as ctx:
        again = get(client, "lesson_views", granularity="week")
    assert again.content == first.content
    assert not [q for q in ctx.captured_queries if "analytics_rollup" in q["sql"]]
    assert again["ETag"] == first["ETag"]
    held = get(client, "lesson_views", granularity="week", if_none_match=first["ETag"])
    assert (held.status_code, held.content) == (304, b"")

    l1 = world["lessons"][0]
    late = at(MON + dt.timedelta(days=9))
    store(
        [event("lesson_view", "a", late, course=world["mine"].pk, lesson=l1, org=world["org1"].pk)],
        dirty=True,
    )
    assert values(get(client, "lesson_views", granularity="week")) == [2, 0]  # not rolled up yet
    with django_capture_on_commit_callbacks(execute=True):
        rollups_update()
    fresh = get(client, "lesson_views", granularity="week")
    assert values(fresh) == [2, 1]
    assert fresh["ETag"] != first["ETag"]
    stale = get(client, "lesson_views", granularity="week", if_none_match=first["ETag"])
    assert stale.status_code == 200 and values(stale) == [2, 1]
