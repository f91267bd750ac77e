"""The benchmark scenarios of `make bench`. Each area adds its own to SCENARIOS.

A scenario names a request (method, path, body), the demo user it runs as (a real
access JWT is minted for it), and optionally a wrk Lua script for dynamic bodies and
`during`: a context manager factory running extra load concurrently (e.g. attack
payloads). `units` says how many domain units one request carries (events per batch),
so the table can show units/s next to requests/s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Context:
    """What setup code knows: the server's base URL and tokens per demo role."""

    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    # The server's environment, port and workers, for a row that starts a second
    # server beside it (bench/scenarios_audit.py).
    server_env: dict = field(default_factory=dict)
    port: int = 0
    workers: int = 2


@dataclass
class Scenario:
    name: str
    path: str | Callable[[Context], str]
    method: str = "GET"
    user: str | None = None  # "student" | "teacher" | "admin" | None (anonymous)
    body: str | Callable[[Context], str] | None = None  # JSON text for a static POST body
    lua: str | None = None  # a script in bench/lua/ building requests itself
    connections: int = 16
    threads: int = 2
    units: int = 1
    unit_name: str = "req"
    during: Callable[[Context], contextlib.AbstractContextManager] | None = None
    # Runs once in the runner process (Django set up against the bench database)
    # before the load; may put values in ctx.data, which reach Lua as BENCH_<KEY>.
    setup: Callable[[Context], None] | None = None
    tags: tuple[str, ...] = ()
    # Extra request headers (e.g. If-None-Match), resolved after setup.
    headers: dict[str, str] | Callable[[Context], dict[str, str]] | None = None
    # A row that is not a wrk run (a sequence of API calls, a job timed in process):
    # called with (ctx, duration_s), returns the row's numbers (rps, p50_ms, p95_ms,
    # p99_ms, errors, non2xx, and optionally a `note`).
    runner: Callable[[Context, int], dict] | None = None

    def resolve_path(self, ctx: Context) -> str:
        return self.path(ctx) if callable(self.path) else self.path

    def resolve_body(self, ctx: Context) -> str | None:
        return self.body(ctx) if callable(self.body) else self.body

    def resolve_headers(self, ctx: Context) -> dict[str, str]:
        return (self.headers(ctx) if callable(self.headers) else self.headers) or {}


CEILING = "ceiling: bare DRF endpoint"

SCENARIOS: list[Scenario] = [
    Scenario(CEILING, "/api/v1/ping/", tags=("core",)),
    Scenario("health: live", "/health/live", tags=("core",)),
]


def load_all() -> list[Scenario]:
    """The core scenarios plus each area's module (bench/scenarios_<area>.py)."""
    import importlib
    import pkgutil
    from pathlib import Path

    scenarios = list(SCENARIOS)
    here = Path(__file__).parent
    for module in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if module.name.startswith("scenarios_"):
            scenarios += importlib.import_module(f"{module.name}").SCENARIOS
    return scenarios
