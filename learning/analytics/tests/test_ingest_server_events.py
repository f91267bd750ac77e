"""Server events: domain events heard on the bus become analytics events after the drain
job runs: a real learner flow through the HTTP API, every mapped type, replays, and no
personal data beyond the pseudonym."""

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import last_code
from learning.analytics import registry
from learning.analytics.models import Actor, Event
from learning.analytics.pseudonym import actor_id
from learning.analytics.receivers import MAPPERS, on_domain_event
from learning.events import (
    BadgeAwarded,
    CertificateIssued,
    ChallengePassed,
    ChallengeSubmitted,
    CodeRun,
    CourseCompleted,
    Enrolled,
    HintRequested,
    LessonCompleted,
    LessonStarted,
    QuizPassed,
    QuizSubmitted,
    UserSignedUp,
    bus,
)

from .conftest import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings):
    # short limits, the in-process pool (as the coding tests run it)
    settings.SANDBOX_WALL_TIME_MS = 2000
    settings.SANDBOX_POOL_SIZE = 1
    settings.SANDBOX_QUEUE_WAIT_MS = 10_000
    settings.SANDBOX_URL = ""


def _dump(events) -> str:
    return json.dumps(
        [{k: v for k, v in e.__dict__.items() if not k.startswith("_")} for e in events],
        cls=DjangoJSONEncoder,
    )


def test_a_learner_flow_through_the_api_produces_the_server_events(
    backend, api_client, auth_client, build_course, sandbox, django_capture_on_commit_callbacks
):
    course = build_course(modules=1, lessons_per_module=1, title="One lesson")
    from cms.selectors import published_lessons_of_course

    lesson = published_lessons_of_course(course).get()
    email = "flow.learner@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        signup = api_client.post(
            "/api/v1/auth/signup/", {"email": email, "password": "plum-Tractor-galaxy-81"}
        )
    assert signup.status_code == 201, signup.content
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api_client.post(
                "/api/v1/auth/verify-email/", {"email": email, "code": last_code(email)}
            ).status_code
            == 200
        )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=email)
    client = auth_client(user)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/progress/events/",
            {
                "events": [
                    {
                        "event_id": "6f1a0c52-2a43-4c1c-9a37-111111111111",
                        "type": "lesson_started",
                        "lesson_id": lesson.pk,
                        "occurred_at": (now - dt.timedelta(seconds=30)).isoformat(),
                    },
                    {
                        "event_id": "6f1a0c52-2a43-4c1c-9a37-222222222222",
                        "type": "lesson_completed",
                        "lesson_id": lesson.pk,
                        "occurred_at": (now - dt.timedelta(seconds=5)).isoformat(),
                    },
                ]
            },
            format="json",
        )
    assert response.status_code == 200 and response.json()["accepted"] == 2, response.content
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(
            "/api/v1/code/run/", {"language": "javascript", "source": "console.log(6*7)"}, format="json"
        )
    assert run.status_code == 200 and run.json()["status"] == "ok", run.content
    drain()

    events = {e.type: e for e in Event.objects.all()}
    assert {
        "user_signed_up",
        "enrolled",
        "lesson_started",
        "lesson_completed",
        "course_completed",
        "code_run",
    } <= set(events), sorted(events)
    actor = actor_id(user.pk)
    assert {e.actor for e in events.values()} == {actor}
    assert all(e.source == "server" for e in events.values())
    started, completed = events["lesson_started"], events["lesson_completed"]
    module = lesson.get_parent()
    for e in (started, completed):
        assert (e.object_type, e.object_id) == ("lesson", str(lesson.pk))
        assert (e.course_id, e.module_id, e.lesson_id) == (course.pk, module.pk, lesson.pk)
        assert e.verb == registry.get(e.type).verb
    assert completed.timestamp == dt.datetime.fromisoformat((now - dt.timedelta(seconds=5)).isoformat())
    assert completed.result == {"completion": True}
    assert (events["enrolled"].object_type, events["enrolled"].course_id) == ("course", course.pk)
    assert events["course_completed"].result == {"completion": True}
    code_run = events["code_run"]
    assert code_run.result["success"] is True and code_run.result["duration"].startswith("PT")
    assert code_run.extensions["status"] == "ok" and code_run.extensions["language"] == "javascript"
    assert Actor.objects.get(id=actor).signed_up_on == user.date_joined.astimezone(dt.UTC).date()
    # no personal data: neither the address nor the user id is anywhere in a stored event
    dumped = _dump(Event.objects.all())
    assert email not in dumped and "flow.learner" not in dumped and "user_id" not in dumped


def test_every_mapped_domain_event_becomes_its_registry_type(
    backend, build_course, django_capture_on_commit_callbacks
):
    from cms.selectors import published_lessons_of_course
    from learning.accounts.models import Organisation

    course = build_course(modules=1, lessons_per_module=1, title="Mapped")
    lesson = published_lessons_of_course(course).get()
    module = lesson.get_parent()
    school = Organisation.objects.create(name="East School")
    user = UserFactory(
        id=987_654_321,
        email="mapped@example.test",
        first_name="Ada",
        last_name="Lovelace",
        organisation=school,
    )
    at = timezone.now() - dt.timedelta(minutes=3)
    uid = user.pk
    published = [
        UserSignedUp(user_id=uid, occurred_at=at),
        Enrolled(user_id=uid, course_id=course.pk, occurred_at=at),
        LessonStarted(user_id=uid, lesson_id=lesson.pk, course_id=course.pk, occurred_at=at),
        LessonCompleted(user_id=uid, lesson_id=lesson.pk, course_id=course.pk, occurred_at=at),
        CourseCompleted(user_id=uid, course_id=course.pk, completion_id=11, completed_at=at),
        CodeRun(
            user_id=uid,
            language="javascript",
            status="timeout",
            wall_ms=1500.0,
            source_bytes=40,
            lesson_id=lesson.pk,
        ),
        ChallengeSubmitted(user_id=uid, challenge_id=21, submission_id=31, passed=False),
        ChallengePassed(user_id=uid, challenge_id=21, submission_id=32, lesson_id=lesson.pk),
        HintRequested(user_id=uid, lesson_id=lesson.pk, level="2", challenge_id=21),
        QuizSubmitted(
            user_id=uid, quiz_id=41, score=3.0, max_score=4.0, attempt_id=51, course_id=course.pk, passed=True
        ),
        QuizPassed(
            user_id=uid, quiz_id=41, course_id=course.pk, attempt_id=51, grade_percent=75.0, occurred_at=at
        ),
        BadgeAwarded(user_id=uid, badge_id=61, badge_slug="first-steps", award_id=71, occurred_at=at),
        CertificateIssued(
            user_id=uid, certificate_id=81, course_id=course.pk, serial="MRICT-ABCD-1234", occurred_at=at
        ),
    ]
    assert {type(e) for e in published} == set(MAPPERS)
    # the handler the bus calls for each (publishing these made-up ids would also reach
    # other apps' handlers, which look the objects up)
    for event_class in MAPPERS:
        assert "learning.analytics.receivers.on_domain_event" in {
            s.dotted for s in bus.subscriptions(event_class)
        }
    with django_capture_on_commit_callbacks(execute=True):
        for event in published:
            on_domain_event(event)
    drain()
    events = {e.type: e for e in Event.objects.all()}
    assert set(events) == {e.name for e in published} == {t.name for t in registry.server_types()}
    for e in events.values():
        event_type = registry.get(e.type)
        assert (e.verb, e.object_type, e.source) == (event_type.verb, event_type.object_type, "server")
        assert e.actor == actor_id(uid) and e.organisation_id == school.pk
    assert events["lesson_started"].module_id == module.pk
    assert (events["code_run"].lesson_id, events["code_run"].module_id, events["code_run"].course_id) == (
        lesson.pk,
        module.pk,
        course.pk,
    )
    assert events["code_run"].result == {"success": False, "duration": "PT1.500S"}
    assert events["challenge_submitted"].result == {"success": False}
    assert events["challenge_passed"].object_id == "21"
    assert events["hint_requested"].extensions == {"level": "2", "challenge_id": 21}
    assert events["quiz_submitted"].result == {
        "score": {"raw": 3.0, "max": 4.0, "min": 0, "scaled": 0.75},
        "success": True,
    }
    assert events["quiz_passed"].result == {"success": True, "score": {"scaled": 0.75}}
    assert events["badge_awarded"].extensions == {"badge": "first-steps"}
    assert (events["certificate_issued"].object_id, events["certificate_issued"].course_id) == (
        "81",
        course.pk,
    )
    assert events["user_signed_up"].timestamp == at
    assert Actor.objects.get().signed_up_on == at.astimezone(dt.UTC).date()
    # nothing personal: no address, name, user id or certificate serial in any event
    dumped = _dump(Event.objects.all())
    for secret in ("mapped@example.test", "Ada", "Lovelace", "987654321", "MRICT-ABCD-1234"):
        assert secret not in dumped


def test_a_replayed_delivery_inserts_nothing_twice(backend, django_capture_on_commit_callbacks):
    user = UserFactory(email="replay@example.test")
    at = timezone.now() - dt.timedelta(minutes=1)
    completed = LessonCompleted(user_id=user.pk, lesson_id=5, course_id=6, occurred_at=at)
    with django_capture_on_commit_callbacks(execute=True):
        on_domain_event(completed)
    drain()
    # the same delivery again, after and before a drain
    on_domain_event(completed)
    on_domain_event(LessonCompleted(user_id=user.pk, lesson_id=5, course_id=6, occurred_at=at))
    drain()
    assert Event.objects.filter(type="lesson_completed").count() == 1
    # two code runs with the same outcome are two events
    run = CodeRun(user_id=user.pk, language="javascript", status="ok", wall_ms=3.0, source_bytes=10)
    on_domain_event(run)
    on_domain_event(run)
    drain()
    assert Event.objects.filter(type="code_run").count() == 2
