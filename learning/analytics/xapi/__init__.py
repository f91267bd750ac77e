"""Forwarding analytics events to a Learning Record Store as xAPI 1.0.3 statements
(docs/analytics.md#forwarding-to-a-learning-record-store-xapi).

- statements.py: Event -> statement (pure; the one place the xAPI shape is decided)
- client.py: one POST <endpoint>/statements, retried on network errors, 5xx and 429
- models.py: the forwarding cursor (position in store order, lease, health) and the
  dead-letter list of statements the LRS refused
- services.py: the forwarding run (batches, bisection of refused batches, dead letters,
  queued dead-letter retries); tasks.py the every-minute job; admin.py the dead-letter
  list with its "retry" action; the `xapi_forward` command drains now.
"""
