import datetime as dt

import pytest
from django.db import transaction

from learning.events import CodeRun, EventBus, LessonCompleted, event_from_payload

pytestmark = pytest.mark.django_db(transaction=True)

received: list = []


def record(event):
    received.append(("job", event))


@pytest.fixture(autouse=True)
def _reset():
    received.clear()


def _event(**over):
    fields = dict(user_id=1, lesson_id=2, course_id=3, occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return LessonCompleted(**(fields | over))


def test_handlers_run_only_after_commit():
    bus = EventBus()
    bus.subscribe(LessonCompleted, lambda e: received.append(("inline", e)))
    with transaction.atomic():
        bus.publish(_event())
        assert received == []
    assert received == [("inline", _event())]


def test_a_rolled_back_transaction_emits_nothing():
    bus = EventBus()
    bus.subscribe(LessonCompleted, lambda e: received.append(e))
    with pytest.raises(RuntimeError), transaction.atomic():
        bus.publish(_event())
        raise RuntimeError("use case failed")
    assert received == []


def test_a_failing_handler_is_logged_and_does_not_stop_the_others(caplog):
    bus = EventBus()

    def broken(event):
        raise ValueError("bad handler")

    bus.subscribe(LessonCompleted, broken)
    bus.subscribe(LessonCompleted, lambda e: received.append(e))
    bus.publish(_event())
    assert received == [_event()]
    assert any(r.exc_info and "event handler failed" in r.getMessage() for r in caplog.records)


def test_job_handlers_go_through_django_q_with_a_rebuilt_typed_event():
    bus = EventBus()
    bus.subscribe(LessonCompleted, "learning.events.tests.test_bus.record", job=True)
    bus.publish(_event())
    assert received == [("job", _event())]  # sync cluster in tests; datetime survived the JSON trip


def test_a_job_handler_can_run_on_the_heavy_queue():
    from django_q.models import Task

    bus = EventBus()
    bus.subscribe(LessonCompleted, "learning.events.tests.test_bus.record", job=True, queue="heavy")
    bus.publish(_event())
    assert received == [("job", _event())]
    assert Task.objects.get(func="learning.events.dispatch.run_job_handler").cluster == "heavy"
    with pytest.raises(ValueError):  # an in-process handler has no queue
        bus.subscribe(LessonCompleted, record, queue="heavy")


def test_subscribing_twice_keeps_one_subscription_and_events_are_routed_by_type():
    bus = EventBus()
    bus.subscribe(LessonCompleted, record)
    bus.subscribe(LessonCompleted, record)
    assert len(bus.subscriptions(LessonCompleted)) == 1
    assert bus.subscriptions(CodeRun) == []


def test_job_handlers_must_be_importable():
    bus = EventBus()
    with pytest.raises(ValueError):
        bus.subscribe(LessonCompleted, lambda e: None, job=True)


def test_payload_round_trip_and_no_code_body_in_code_run():
    event = CodeRun(user_id=1, language="javascript", status="ok", wall_ms=3.2, source_bytes=120)
    assert event_from_payload("code_run", event.to_payload()) == event
    assert "source" not in event.to_payload() and "code" not in event.to_payload()
