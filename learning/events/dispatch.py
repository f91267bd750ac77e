"""Delivery rules of the domain event bus.

- `publish()` never delivers inside the publisher's transaction: delivery is
  registered with `transaction.on_commit`, so a rolled-back use case emits nothing
  and a handler never sees data that is not committed yet. Outside a transaction
  (autocommit) delivery is immediate.
- In-process handlers run in subscription order. One failing handler is logged with
  its traceback and does not stop the others nor fail the request that published:
  the publisher's work is already committed.
- `job=True` handlers are enqueued as django-q2 jobs with the event's JSON payload
  (ids, never instances); the job rebuilds the typed event and calls the handler.
  Use them for anything slow (mail, PDF, index rebuilds); `queue="heavy"` puts the
  job on the heavy queue (index builds, rendering: docs/operations.md).
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string

from .types import DomainEvent, event_from_payload

log = logging.getLogger("mrict.events")

Handler = Callable[[DomainEvent], None]


@dataclass(frozen=True)
class Subscription:
    handler: Handler | str
    job: bool
    queue: str = "light"

    @property
    def dotted(self) -> str:
        if isinstance(self.handler, str):
            return self.handler
        return f"{self.handler.__module__}.{self.handler.__qualname__}"

    def resolve(self) -> Handler:
        return import_string(self.handler) if isinstance(self.handler, str) else self.handler


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: dict[type[DomainEvent], list[Subscription]] = defaultdict(list)

    def subscribe(
        self,
        event_type: type[DomainEvent],
        handler: Handler | str,
        *,
        job: bool = False,
        queue: str = "light",
    ) -> None:
        """Idempotent: subscribing the same handler twice keeps one subscription.
        `queue` (job handlers): the job queue their job runs on (site_config/jobs.py)."""
        if queue != "light" and not job:
            raise ValueError("only a job handler runs on a queue")
        subscription = Subscription(handler, job, queue)
        if job and not isinstance(handler, str) and "<locals>" in subscription.dotted:
            raise ValueError("a job handler must be importable by its dotted path")
        existing = self._subscriptions[event_type]
        if all(s.dotted != subscription.dotted for s in existing):
            existing.append(subscription)

    def unsubscribe(self, event_type: type[DomainEvent], handler: Handler | str) -> None:
        dotted = Subscription(handler, False).dotted
        self._subscriptions[event_type] = [s for s in self._subscriptions[event_type] if s.dotted != dotted]

    def subscriptions(self, event_type: type[DomainEvent]) -> list[Subscription]:
        return list(self._subscriptions.get(event_type, ()))

    def publish(self, event: DomainEvent, *, using: str | None = None) -> None:
        transaction.on_commit(lambda: self._deliver(event), using=using, robust=False)

    def _deliver(self, event: DomainEvent) -> None:
        for subscription in self.subscriptions(type(event)):
            try:
                if subscription.job:
                    from site_config.jobs import enqueue

                    enqueue(
                        "learning.events.dispatch.run_job_handler",
                        subscription.dotted,
                        event.name,
                        event.to_payload(),
                        queue=subscription.queue,
                        task_name=f"event:{event.name}:{subscription.dotted}"[:100],
                    )
                else:
                    subscription.resolve()(event)
            except Exception:
                log.exception(
                    "event handler failed", extra={"event": event.name, "handler": subscription.dotted}
                )


def run_job_handler(handler: str, event_name: str, payload: dict) -> None:
    """The django-q2 job behind `job=True` subscriptions."""
    import_string(handler)(event_from_payload(event_name, payload))


bus = EventBus()
