#!/usr/bin/env python
"""`make bench`: production-like server, load from a separate process, one table.

1. Prepares a PostgreSQL database of its own (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/mrict_bench) and Redis db 14, migrates it and
   loads the demo content.
2. Starts gunicorn with site_config.settings.prod (and a qcluster worker) on
   127.0.0.1:BENCH_PORT.
3. For each scenario, runs `wrk` (a separate C process, over loopback) and prints
   requests/s and p50/p95/p99 latency, with the bare DRF endpoint as the ceiling.

Usage: bench/run.py [-k SUBSTRING[|SUBSTRING...]] [--duration 10] [--warmup 2] [--workers 2] [--fresh-db]
Results are also written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
sys.path[:0] = [str(ROOT), str(BENCH)]

from cpu import busy_cores, cpu_meter  # noqa: E402 - bench/ is on the path from here


def say(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk not found: installing Debian's wrk package")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def server_env(port: int) -> dict[str, str]:
    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mrict_bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": db_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DEBUG": "False",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "INFO"),
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "mrict-bench-media"),
        "DEMO_PASSWORD": "bench-pass-1234",
        "PYTHONUNBUFFERED": "1",
        # the tutor rows measure the built-in answerer, without the per-user limits
        "LLM_BASE_URL": "",
        "TUTOR_THROTTLE": "",
        "TUTOR_DAILY_LIMIT": "0",
        # the recordings upload row measures the web process, not a transcode of 300 MB
        "RECORDING_TRANSCODE": "off",
    }


def prepare_database(env: dict[str, str], fresh: bool) -> None:
    import psycopg

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            say(f"dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    for step in (["migrate", "--no-input"], ["setup_schedules"], ["load_demo"]):
        say("manage.py " + " ".join(step))
        subprocess.run([PY, "manage.py", *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def running_server(env: dict[str, str], port: int, workers: int, log_path: Path):
    """gunicorn (gthread) + a qcluster worker. wrk's keep-alive connections stay with
    the worker that accepted them for the whole row; on one shared listening socket one
    worker sometimes accepted all of them while the other sat idle (rows at half speed,
    server CPU ~10 s of 20). With `--reuse-port` each worker listens on its own socket
    (SO_REUSEPORT) and the kernel spreads new connections over them by a hash of their
    addresses, whichever worker happens to be awake. (Capping `--worker-connections`
    was tried first: it bounds the split only for rows with more connections than the
    cap, and an 8-connection row still landed on one worker.)"""
    log = log_path.open("w")
    gunicorn = [
        PY,
        "-m",
        "gunicorn",
        "site_config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--reuse-port",
        "--access-logfile",
        "-" if env.get("BENCH_ACCESS_LOG") else "/dev/null",
    ]
    procs = [
        subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True),
        subprocess.Popen(
            [PY, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while not answers(port, "/health/live"):
            if time.monotonic() > deadline or procs[0].poll() is not None:
                sys.exit(f"gunicorn did not come up; see {log_path}")
            time.sleep(0.3)
        say(
            f"gunicorn ({workers} workers x 4 threads, a listening socket each) "
            f"+ qcluster on 127.0.0.1:{port}; log: {log_path}"
        )
        settle(port)
        yield
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        log.close()


def answers(port: int, path: str) -> bool:
    """Whether the server answers 200 on `path` right now."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def settle(port: int, timeout_s: float = 60) -> None:
    """Wait until the server is ready (jobs heartbeat included) and the machine has
    calmed down: the job cluster's processes start by importing Django, which on 2
    cores otherwise lands in the first scenario's numbers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not answers(port, "/health/ready"):
        time.sleep(0.5)
    busy = float("nan")
    while time.monotonic() < deadline:
        busy = busy_cores(1.0)
        if busy < 0.25:
            return
    say(f"the machine did not calm down within {timeout_s:.0f} s ({busy:.2f} cores busy): numbers may be low")


def mint_tokens(env: dict[str, str]) -> dict[str, str]:
    """Real access JWTs for one user per role (the demo users when they exist)."""
    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k
            in (
                "DJANGO_SETTINGS_MODULE",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "DATABASE_URL",
                "REDIS_URL",
                "SECURE_SSL_REDIRECT",
                "MEDIA_ROOT",
                "DEMO_PASSWORD",
            )
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework_simplejwt.tokens import AccessToken

    tokens = {}
    for role in ("student", "teacher", "admin"):
        user, _ = get_user_model().objects.get_or_create(email=f"{role}@mrict.local")
        group = Group.objects.filter(name=role).first()
        if group:
            user.groups.add(group)
        tokens[role] = str(AccessToken.for_user(user))
    return tokens


def lua_script(script: Path) -> str:
    """The script wrk runs: the files it names on "-- include: NAME" lines, the script,
    and report.lua (the JSON summary every row reads)."""
    text = script.read_text()
    parts = [
        (BENCH / "lua" / line.split(":", 1)[1].strip()).read_text()
        for line in text.splitlines()
        if line.startswith("-- include:")
    ]
    parts.append(text)
    if script.name != "report.lua":
        parts.append((BENCH / "lua" / "report.lua").read_text())
    return "\n".join(parts)


def run_wrk(wrk: str, scenario, ctx, duration: int, *, warmup: int = 0) -> dict:
    url = ctx.base_url + scenario.resolve_path(ctx)
    env = {**os.environ}
    script = (
        BENCH / "lua" / (scenario.lua or ("post_json.lua" if scenario.method == "POST" else "report.lua"))
    )
    body = scenario.resolve_body(ctx)
    with tempfile.TemporaryDirectory() as tmp:
        if body is not None:
            body_file = Path(tmp) / "body.json"
            body_file.write_text(body)
            env["BENCH_BODY_FILE"] = str(body_file)
        combined = Path(tmp) / "script.lua"
        combined.write_text(lua_script(script))
        env.update({f"BENCH_{k.upper()}": str(v) for k, v in ctx.data.items() if isinstance(v, (str, int))})
        cmd = [
            wrk,
            "-t",
            str(scenario.threads),
            "-c",
            str(scenario.connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(combined),
            url,
        ]
        if scenario.user:
            cmd[1:1] = ["-H", f"Authorization: Bearer {ctx.tokens[scenario.user]}"]
        for name, value in scenario.resolve_headers(ctx).items():
            cmd[1:1] = ["-H", f"{name}: {value}"]
        if warmup:
            # Not measured: lazily started pools, caches, connections and PostgreSQL's
            # plans settle first (the first seconds of a cold server are not its speed).
            warm = [*cmd]
            warm[warm.index("-d") + 1] = f"{warmup}s"
            subprocess.run(warm, capture_output=True, text=True, env=env, check=False)
        during = scenario.during(ctx) if scenario.during else contextlib.nullcontext()
        with cpu_meter(ctx.base_url), during:
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed for {scenario.name}: {out.stdout}\n{out.stderr}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-k", default="", help="only scenarios whose name contains this (alternatives separated by |)"
    )
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument(
        "--warmup",
        type=int,
        default=int(os.environ.get("BENCH_WARMUP", 2)),
        help="seconds of the same load before each measured run (not measured)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--fresh-db", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = server_env(args.port)
    prepare_database(env, fresh=args.fresh_db)

    from scenarios import CEILING, Context, load_all

    # The ceiling always runs: every row is also read as a share of it (same run).
    wanted = [k.strip().lower() for k in args.k.split("|")]
    scenarios = [s for s in load_all() if s.name == CEILING or any(k in s.name.lower() for k in wanted)]
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    ctx = Context(
        base_url=f"http://127.0.0.1:{args.port}", server_env=env, port=args.port, workers=args.workers
    )
    rows = []
    with running_server(env, args.port, args.workers, results_dir / "server.log"):
        ctx.tokens = mint_tokens(env)
        for i, scenario in enumerate(scenarios, 1):
            if scenario.setup:
                scenario.setup(ctx)
            say(
                f"[{i}/{len(scenarios)}] {scenario.name}: {scenario.method} {scenario.resolve_path(ctx)} "
                f"({args.warmup}s warm-up, {args.duration}s measured, {scenario.connections} connections)"
            )
            if scenario.runner:
                result = scenario.runner(ctx, args.duration)
            else:
                result = run_wrk(wrk, scenario, ctx, args.duration, warmup=args.warmup)
            result.update(name=scenario.name, units=scenario.units, unit_name=scenario.unit_name)
            rows.append(result)
    ceiling = next((r["rps"] for r in rows if r["name"] == CEILING), None)
    for r in rows:
        r["share_of_ceiling"] = round(r["rps"] / ceiling, 4) if ceiling and not r.get("note") else None
    cols = [
        ("req/s", 9),
        ("of ceiling", 10),
        ("units/s", 14),
        ("p50 ms", 8),
        ("p95 ms", 8),
        ("p99 ms", 8),
        ("errors", 7),
    ]
    header = f"{'scenario':<58} " + " ".join(f"{name:>{width}}" for name, width in cols)
    print("\n" + header + "\n" + "-" * len(header))
    for r in rows:
        units = f"{r['rps'] * r['units']:.0f} {r['unit_name']}" if r["units"] != 1 else ""
        share = f"{100 * r['share_of_ceiling']:.1f}%" if r["share_of_ceiling"] is not None else "—"
        print(
            f"{r['name']:<58} {r['rps']:>9.1f} {share:>10} {units:>14} {r['p50_ms']:>8.2f} "
            f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors'] + r['non2xx']:>7}"
        )
        if r.get("note"):
            print(f"    {r['note']}")
    (results_dir / "latest.json").write_text(json.dumps(rows, indent=2))
    say(f"machine: {os.cpu_count()} cores; results in bench/results/latest.json")


if __name__ == "__main__":
    main()
