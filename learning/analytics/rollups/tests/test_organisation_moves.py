"""A learner moved to another organisation is counted under it at once by the metrics
that follow the actor's organisation (signups, retention cohorts), with no event of
theirs needed (docs/analytics.md#rollups): the admin's move is a domain event, the
actor follows, its cohort days are marked, and the next rollup run equals a rebuild.
The drain does the same when it sees an actor's organisation change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from learning.accounts.models import Organisation, User
from learning.accounts.tests.factories import UserFactory
from learning.analytics.models import Actor, DirtyDay, Rollup
from learning.analytics.pseudonym import actor_id
from learning.analytics.rollups.services import rollups_rebuild, rollups_update, week_start
from learning.analytics.services import actors_refile, cohort_days

from . import reference
from .helpers import actor, at, event, store

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(weeks=1)


@pytest.fixture
def school(db):
    """Three learners of Hill who signed up in one week 20 weeks ago (so every week of
    their retention cohort is over): a active in weeks 0-2, b in weeks 0-1, c in week 0.
    Their events carry Hill, as the drain stored them."""
    hill = Organisation.objects.create(name="Hill School", slug="hill")
    vale = Organisation.objects.create(name="Vale School", slug="vale")
    w0 = week_start(timezone.now().date()) - 20 * WEEK
    users, actors, events = {}, [], []
    for name, weeks in (("a", 3), ("b", 2), ("c", 1)):
        user = UserFactory(
            email=f"{name}@hill.test",
            role="student",
            organisation=hill,
            date_joined=at(w0 + dt.timedelta(days=1)),
        )
        users[name] = user
        actors.append(actor(actor_id(user.pk), w0 + dt.timedelta(days=1), hill.pk))
        events += [
            event("code_run", actor_id(user.pk), at(w0 + n * WEEK + dt.timedelta(days=2)), org=hill.pk)
            for n in range(weeks)
        ]
    store(events)
    rollups_rebuild()
    return {"hill": hill, "vale": vale, "w0": w0, "users": users, "events": events}


def retention(org_id) -> dict:
    rows = Rollup.objects.filter(metric__in=["retention", "retention_cohort_size"], organisation_id=org_id)
    return {(r.metric, r.step): r.value for r in rows}


def refreshed_equals_rebuild(school) -> dict:
    """Run the job until nothing is dirty; what it wrote must equal a rebuild, and the
    independent computation of the actors as they are now."""
    while rollups_update():
        pass
    incremental = reference.actual()
    actors = list(Actor.objects.all())
    assert incremental == reference.expected(school["events"], actors, {})
    rollups_rebuild()
    assert reference.actual() == incremental
    return incremental


def test_a_learner_moved_by_an_admin_is_counted_under_the_new_organisation(
    school, admin_user, django_capture_on_commit_callbacks
):
    hill, vale, a = school["hill"], school["vale"], school["users"]["a"]
    assert retention(hill.pk) == {
        ("retention_cohort_size", None): 3,
        ("retention", 0): 3,
        ("retention", 1): 2,
        ("retention", 2): 1,
    }
    assert retention(vale.pk) == {}

    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):  # the bus's job runs (sync in tests)
        response = client.post(
            f"/admin/snippets/accounts/organisation/edit/{vale.pk}/",
            {"name": "Vale School", "slug": "vale", "add_members": a.email},
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert User.objects.get(pk=a.pk).organisation_id == vale.pk
    assert Actor.objects.get(pk=actor_id(a.pk)).organisation_id == vale.pk
    signed_up = school["w0"] + dt.timedelta(days=1)
    marked = set(DirtyDay.objects.values_list("day", flat=True))
    assert marked == cohort_days(signed_up, today=timezone.now().date())
    assert len(marked) == 13  # the signup day, and one day of each of the 12 weeks after

    refreshed_equals_rebuild(school)
    assert retention(hill.pk) == {
        ("retention_cohort_size", None): 2,
        ("retention", 0): 2,
        ("retention", 1): 1,
    }
    assert retention(vale.pk) == {
        ("retention_cohort_size", None): 1,
        ("retention", 0): 1,
        ("retention", 1): 1,
        ("retention", 2): 1,
    }
    signups = dict(
        Rollup.objects.filter(metric="new_signups", start=signed_up).values_list("organisation_id", "value")
    )
    assert signups == {None: 3, hill.pk: 2, vale.pk: 1}

    # told twice (a replayed job), nothing moves and nothing is marked again
    assert actors_refile(user_ids=[a.pk], organisation_id=vale.pk) == 0
    assert not DirtyDay.objects.exists()


def test_deleting_an_organisation_takes_its_learners_out_of_its_cohorts(
    school, admin_user, django_capture_on_commit_callbacks
):
    hill = school["hill"]
    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/snippets/accounts/organisation/delete/{hill.pk}/").status_code == 302
    assert set(Actor.objects.values_list("organisation_id", flat=True)) == {None}
    refreshed_equals_rebuild(school)
    assert retention(hill.pk) == {}
    assert retention(None)[("retention_cohort_size", None)] == 3


def test_the_drain_marks_the_cohort_days_of_an_actor_whose_organisation_changed(
    school, auth_client, build_course
):
    """The move was not heard (a queryset update: no signal); the learner's next event
    carries the new organisation, and the drain refiles the actor itself."""
    from cms.selectors import published_lessons_of_course
    from learning.analytics.tasks import drain

    hill, vale, b = school["hill"], school["vale"], school["users"]["b"]
    course = build_course(modules=1, lessons_per_module=1)
    lesson = list(published_lessons_of_course(course))[0]
    User.objects.filter(pk=b.pk).update(organisation=vale)
    b.refresh_from_db()
    DirtyDay.objects.all().delete()
    viewed = timezone.now() - dt.timedelta(minutes=1)
    item = {
        "id": "7f1d2c3b-0000-4000-8000-000000000001",
        "type": "lesson_view",
        "timestamp": viewed.isoformat(),
        "context": {"course_id": course.pk, "lesson_id": lesson.pk},
        "data": {},
    }
    sent = auth_client(b).post("/api/v1/analytics/events/", {"events": [item]}, format="json")
    assert sent.status_code == 202 and sent.json()["accepted"] == 1, sent.json()
    drain()
    assert Actor.objects.get(pk=actor_id(b.pk)).organisation_id == vale.pk
    signed_up = school["w0"] + dt.timedelta(days=1)
    marked = set(DirtyDay.objects.values_list("day", flat=True))
    assert marked == cohort_days(signed_up, today=timezone.now().date()) | {viewed.date()}
    while rollups_update():
        pass
    assert retention(vale.pk) == {
        ("retention_cohort_size", None): 1,
        ("retention", 0): 1,
        ("retention", 1): 1,
    }
    assert retention(hill.pk)[("retention_cohort_size", None)] == 2
