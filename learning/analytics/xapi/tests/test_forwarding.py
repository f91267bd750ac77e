"""Forwarding to a real LRS: Ralph with its file-system backend, started by the tests
(ralph_server.py). Nothing of ours and nothing of HTTP is patched: events are written
into the store, the forwarding service (or its job, its command, the admin action) runs,
and what Ralph then holds is read back through its xAPI API and its data file."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from learning.accounts.tests.factories import UserFactory
from learning.analytics.models import Event
from learning.analytics.xapi import tasks
from learning.analytics.xapi.models import DeadLetter, DeadLetterStatus, ForwardingCursor
from learning.analytics.xapi.services import xapi_forward
from learning.analytics.xapi.statements import statement_build

from .events import event, store

pytestmark = pytest.mark.django_db


def _comparable(statement: dict) -> dict:
    """What we sent, without what the LRS adds (stored, authority) or may reformat."""
    return {k: v for k, v in statement.items() if k not in {"stored", "authority", "timestamp"}}


def test_statements_arrive_in_the_lrs_as_built(lrs):
    events = [
        event("lesson_view", module_id=7),
        event(
            "quiz_submitted",
            object_id="44",
            result={"score": {"scaled": 0.5}, "success": False, "duration": 30},
        ),
        event("code_run", object_id="991", course_id=None, lesson_id=None),
        event("video_seek", object_id="5", extensions={"from": 10, "to": 42.5}),
        event("badge_awarded", object_id="first-steps", course_id=None, lesson_id=None),
    ]
    Event.objects.bulk_create(events)

    report = xapi_forward()

    assert (report.delivered, report.dead_lettered, report.error, report.drained) == (5, 0, "", True)
    for item in events:
        built = statement_build(item)
        stored = lrs.statement(str(item.id))
        assert stored is not None, item.type
        assert _comparable(stored) == _comparable(built)
        assert stored["timestamp"].replace("+00:00", "Z").startswith(built["timestamp"][:19])
        assert set(stored["actor"]) == {"objectType", "account"}  # no mbox, no name
    cursor = ForwardingCursor.objects.get()
    assert (cursor.stored, cursor.event_id) == (events[-1].stored, events[-1].id)
    assert cursor.delivered_total == 5 and cursor.last_error == "" and cursor.last_success_at is not None


def test_each_event_is_sent_once_over_two_runs(lrs, settings):
    settings.ANALYTICS_XAPI_BATCH_SIZE = 3
    first = store(7)

    one = xapi_forward()
    assert (one.batches, one.delivered, one.drained) == (3, 7, True)
    two = xapi_forward()
    assert (two.batches, two.delivered, two.drained) == (0, 0, True)

    later = store(2, stored=timezone.now() - timedelta(minutes=1))
    three = xapi_forward()
    assert (three.batches, three.delivered) == (1, 2)

    counts = Counter(lrs.stored_ids())
    assert all(counts[str(item.id)] == 1 for item in first + later)
    assert ForwardingCursor.objects.get().delivered_total == 9


def test_events_still_settling_wait_for_the_next_run(lrs, settings):
    settings.ANALYTICS_XAPI_SETTLE_SECONDS = 60
    old = store(1, stored=timezone.now() - timedelta(minutes=2))
    fresh = store(1, stored=timezone.now())

    report = xapi_forward()

    assert report.delivered == 1
    assert lrs.statement(str(old[0].id)) is not None
    assert lrs.statement(str(fresh[0].id)) is None


def test_a_run_retries_after_the_lrs_was_down(lrs):
    events = store(4)
    lrs.stop()
    try:
        down = xapi_forward()
    finally:
        lrs.start()

    assert down.delivered == 0 and down.error.startswith("LrsUnavailable: after 2 attempt(s)")
    cursor = ForwardingCursor.objects.get()
    assert cursor.stored is None and cursor.lease_until is None  # nothing moved, lease released
    assert "after 2 attempt(s)" in cursor.last_error and cursor.last_success_at is None

    up = tasks.xapi_forward()  # the scheduled job, as django-q runs it

    assert up["delivered"] == 4 and up["error"] == ""
    assert all(lrs.statement(str(item.id)) for item in events)
    cursor.refresh_from_db()
    assert cursor.last_error == "" and cursor.event_id == events[-1].id


def test_a_refused_statement_goes_to_the_dead_letters_and_the_rest_is_delivered(lrs, settings):
    settings.ANALYTICS_XAPI_BATCH_SIZE = 8
    events = store(6)
    # The LRS already holds a different statement under the id of the fourth event.
    clash = statement_build(events[3]) | {"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}
    assert lrs.post([clash]).status_code == 200

    report = xapi_forward()

    assert (report.delivered, report.dead_lettered, report.error) == (5, 1, "")
    letter = DeadLetter.objects.get()
    assert letter.event_id == events[3].id and letter.status == DeadLetterStatus.REFUSED
    assert letter.attempts == 1 and letter.last_status == 409
    assert "Differing statements already exist" in letter.last_error
    for item in events[:3] + events[4:]:
        assert lrs.statement(str(item.id))["verb"]["id"] == item.verb
    assert lrs.statement(str(events[3].id))["verb"]["id"].endswith("/voided")  # untouched
    cursor = ForwardingCursor.objects.get()
    assert cursor.event_id == events[-1].id and cursor.dead_lettered_total == 1
    # the next run does not send the dead letter again on its own
    assert xapi_forward().delivered == 0 and DeadLetter.objects.get().attempts == 1


def test_an_admin_retries_a_dead_letter(lrs, settings):
    # Statements once sent under another activity base: the LRS refuses ours as different.
    settings.ANALYTICS_XAPI_ACTIVITY_BASE = "https://old.mrict.dev/xapi/activities"
    events = store(3)
    assert lrs.post([statement_build(events[1])]).status_code == 200
    settings.ANALYTICS_XAPI_ACTIVITY_BASE = "https://mrict.dev/xapi/activities"
    assert xapi_forward().dead_lettered == 1
    letter = DeadLetter.objects.get()
    changelist = "/django-admin/analytics/deadletter/"
    retry = {"action": "retry", "_selected_action": [letter.pk]}

    # the list is for staff: anyone else is sent to the login page, nothing is queued
    teacher = Client()
    teacher.force_login(UserFactory(email="t@example.test", role="teacher"))
    assert teacher.post(changelist, retry).status_code == 302
    assert DeadLetter.objects.get().status == DeadLetterStatus.REFUSED

    admin = Client()
    admin.force_login(UserFactory(email="root@example.test", is_superuser=True, is_staff=True))
    listing = admin.get(changelist)
    assert listing.status_code == 200 and str(events[1].id) in listing.content.decode()

    # retried as it is: refused again, one more attempt counted
    assert admin.post(changelist, retry, follow=True).status_code == 200
    letter.refresh_from_db()
    assert (letter.status, letter.attempts, letter.last_status) == (DeadLetterStatus.REFUSED, 2, 409)

    # the cause fixed (the old base back): the retry delivers it
    settings.ANALYTICS_XAPI_ACTIVITY_BASE = "https://old.mrict.dev/xapi/activities"
    page = admin.post(changelist, retry, follow=True)
    assert "1 delivered so far" in page.content.decode()
    letter.refresh_from_db()
    assert letter.status == DeadLetterStatus.DELIVERED and letter.attempts == 3 and letter.delivered_at
    assert Counter(lrs.stored_ids())[str(events[1].id)] == 1


def test_wrong_credentials_stop_the_run_without_dead_letters(lrs, settings):
    settings.ANALYTICS_XAPI_PASSWORD = "not-the-password"
    store(3)

    report = xapi_forward()

    assert report.delivered == 0 and report.error.startswith("LrsMisconfigured: HTTP 401")
    assert not DeadLetter.objects.exists()
    assert ForwardingCursor.objects.get().stored is None


def test_a_second_run_waits_for_the_lease(lrs):
    store(2)
    ForwardingCursor.objects.create(name="lrs", lease_until=timezone.now() + timedelta(minutes=1))

    report = xapi_forward()

    assert report.busy and report.delivered == 0
    with pytest.raises(CommandError, match="holds the lease"):
        call_command("xapi_forward", stdout=StringIO())


def test_the_command_drains_with_progress(lrs, settings):
    settings.ANALYTICS_XAPI_BATCH_SIZE = 2
    events = store(5)
    out = StringIO()

    call_command("xapi_forward", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "batch 1: 2 delivered, 0 dead-lettered",
        "batch 2: 4 delivered, 0 dead-lettered",
        "batch 3: 5 delivered, 0 dead-lettered",
    ]
    assert lines[-1] == "Drained: 5 delivered, 0 dead-lettered in 3 batch(es)."
    assert all(lrs.statement(str(item.id)) for item in events)


def test_off_without_an_endpoint(settings):
    settings.ANALYTICS_XAPI_ENDPOINT = ""
    store(1)
    assert tasks.xapi_forward()["enabled"] is False
    assert not ForwardingCursor.objects.exists()
    with pytest.raises(CommandError, match="ANALYTICS_XAPI_ENDPOINT is not set"):
        call_command("xapi_forward", stdout=StringIO())


def test_5xx_and_429_answers_are_retried_with_backoff(lrs, flaky_lrs, settings):
    settings.ANALYTICS_XAPI_MAX_ATTEMPTS = 4
    events = store(3)
    flaky_lrs.failures = [503, 429, 502]

    report = xapi_forward()

    assert (report.delivered, report.error) == (3, "")
    assert flaky_lrs.requests == 4  # three refusals, then the batch went through
    assert all(lrs.statement(str(item.id)) for item in events)


def test_5xx_on_every_attempt_stops_the_run_and_keeps_the_cursor(lrs, flaky_lrs):
    store(2)
    flaky_lrs.failures = [500, 500]

    report = xapi_forward()

    assert (
        report.delivered == 0
        and report.error == "LrsUnavailable: after 2 attempt(s): HTTP 500: upstream unavailable"
    )
    assert flaky_lrs.requests == 2 and not DeadLetter.objects.exists()
    assert ForwardingCursor.objects.get().stored is None
    assert xapi_forward().delivered == 2  # the gateway recovered: the next run sends them


def test_events_stored_at_the_same_instant_are_each_sent_once_across_batches(lrs, settings):
    settings.ANALYTICS_XAPI_BATCH_SIZE = 2
    instant = timezone.now() - timedelta(minutes=3)
    events = [event(stored=instant) for _ in range(5)]  # one bulk insert: one `stored` for all
    Event.objects.bulk_create(events)

    report = xapi_forward()

    assert (report.batches, report.delivered) == (3, 5)
    counts = Counter(lrs.stored_ids())
    assert [counts[str(item.id)] for item in events] == [1] * 5
    assert xapi_forward().delivered == 0


def test_the_every_minute_schedule_runs_the_job(lrs):
    from django_q.models import Schedule
    from django_q.tasks import async_task, result

    call_command("setup_schedules", stdout=StringIO())
    schedule = Schedule.objects.get(name="mrict:analytics-xapi-forward")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    events = store(2)

    task_id = async_task(schedule.func, sync=True)

    assert result(task_id)["delivered"] == 2
    assert all(lrs.statement(str(item.id)) for item in events)
