"""The cost of auditing on a write-heavy endpoint (issue 19: under 5%): progress ingest
(batches of 100 events) against the bench server (audit middleware on, as deployed)
and against a second server started beside it without that middleware
(site_config.settings.bench_noaudit), same database, cache and machine, alternating
A, B, A, B so neither side gets the emptier database or the quieter seconds."""

import dataclasses
from pathlib import Path

from scenarios_progress import SCENARIOS as PROGRESS
from scenarios_progress import enroll_learners

INGEST = PROGRESS[0]
ROUNDS = 3
NO_AUDIT_PORT_OFFSET = 1000


def _mean(rows, key):
    return sum(r[key] for r in rows) / len(rows)


def _measured(bench, wrk, ctx, part) -> dict:
    """One wrk run, plus the server's CPU seconds per request over it: on a machine
    shared with other work, throughput measures the neighbours as much as the server;
    the server's own CPU per request does not."""
    from cpu import server_seconds

    port = ctx.base_url.rsplit(":", 1)[1]
    before = server_seconds(port)
    result = bench.run_wrk(wrk, INGEST, ctx, part, warmup=1)
    requests = result["rps"] * part
    result["cpu_ms_per_request"] = 1000 * (server_seconds(port) - before) / requests if requests else 0.0
    return result


def audit_overhead(ctx, duration: int) -> dict:
    import run as bench

    wrk = bench.ensure_wrk()
    port = ctx.port + NO_AUDIT_PORT_OFFSET
    env = {**ctx.server_env, "DJANGO_SETTINGS_MODULE": "site_config.settings.bench_noaudit"}
    log = Path(__file__).parent / "results" / "server-noaudit.log"
    off_ctx = dataclasses.replace(ctx, base_url=f"http://127.0.0.1:{port}")
    part = max(2, duration // ROUNDS)
    on, off = [], []
    with bench.running_server(env, port, ctx.workers, log):
        for _ in range(ROUNDS):
            on.append(_measured(bench, wrk, ctx, part))
            off.append(_measured(bench, wrk, off_ctx, part))
    rps_on, rps_off = _mean(on, "rps"), _mean(off, "rps")
    overhead = 100 * (rps_off - rps_on) / rps_off if rps_off else 0.0
    p50_on, p50_off = _mean(on, "p50_ms"), _mean(off, "p50_ms")
    cpu_on, cpu_off = _mean(on, "cpu_ms_per_request"), _mean(off, "cpu_ms_per_request")
    cpu_overhead = 100 * (cpu_on - cpu_off) / cpu_off if cpu_off else 0.0
    result = {k: _mean(on, k) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    result["errors"] = sum(r["errors"] for r in on + off)
    result["non2xx"] = sum(r["non2xx"] for r in on + off)
    result["note"] = (
        f"with the audit middleware {rps_on:.1f} req/s (p50 {p50_on:.1f} ms), without {rps_off:.1f} req/s "
        f"(p50 {p50_off:.1f} ms): throughput {overhead:+.1f}%; server CPU per request "
        f"{cpu_on:.2f} ms with, {cpu_off:.2f} ms without: overhead {cpu_overhead:+.1f}% (target < 5%); "
        f"{ROUNDS} alternating rounds of {part} s each"
    )
    return result


SCENARIOS = [
    dataclasses.replace(
        INGEST,
        name="audit: overhead on progress ingest (A/B)",
        runner=audit_overhead,
        setup=enroll_learners,
    ),
]
