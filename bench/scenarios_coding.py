"""Code runs (issue 6): the sandbox API for a hello-world and for a ~100 ms CPU-bound
script, each alone and with attack payloads running concurrently, next to the cost
of spawning `node -e` per run on the same machine (bench/coding_node_baseline.py,
printed by the first coding scenario's setup and saved to
bench/results/node_baseline.json).

Targets (README, Benchmarks): hello-world p50 end-to-end under 15 ms and at least
100 runs/s on the 2-core machine while the attack payloads run.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request

from scenarios import Context, Scenario

HELLO = json.dumps({"language": "javascript", "source": "console.log('hello, world')"})
# ~100 ms of pure CPU on this machine (calibrated by the setup, see calibrate()).
CPU_TEMPLATE = "let s = 0; for (let i = 0; i < {n}; i++) {{ s = (s + i * i) % 1000003 }} console.log(s)"
ATTACKS = [
    "while (true) {}",
    "const a = []; while (true) a.push(new Array(1e5).fill(1));",
    "while (true) console.log('spam')",
    "const s = 'x'.repeat(100 * 1024 * 1024); console.log(s)",
    "function f(n) { return f(n + 1) + 1 } f(0)",
    "new Uint8Array(2 ** 30).fill(1)",
    "Object.prototype.polluted = 1; Array.prototype.push = null",
    "const f = () => Promise.resolve().then(f); f()",
]
_state: dict = {}


def learners(ctx: Context) -> None:
    """24 verified learners (many users, as in real traffic) and one attacker."""
    if "code_tokens" in ctx.data:
        return
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    tokens = []
    for i in range(24):
        user, _ = get_user_model().objects.get_or_create(
            email=f"bench-coder-{i}@mrict.local", defaults={"email_verified": True}
        )
        tokens.append(str(AccessToken.for_user(user)))
    attacker, _ = get_user_model().objects.get_or_create(
        email="bench-attacker@mrict.local", defaults={"email_verified": True}
    )
    ctx.data["code_tokens"] = ",".join(tokens)
    _state["attacker_token"] = str(AccessToken.for_user(attacker))
    _state["cpu_body"] = json.dumps({"language": "javascript", "source": CPU_TEMPLATE.format(n=calibrate())})
    node_baseline(ctx)


def calibrate() -> int:
    """Iterations of the loop that take ~100 ms in V8 on this machine (timed with node)."""
    import subprocess

    n = 4_000_000
    loop = CPU_TEMPLATE.format(n=n).replace("console.log(s)", "")
    probe = f"{loop}; const t = Date.now(); {loop}; console.log(Date.now() - t)"
    try:
        out = subprocess.run(["node", "-e", probe], capture_output=True, text=True, timeout=30, check=True)
        return int(n * 100 / max(1.0, float(out.stdout.strip().splitlines()[-1])))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return n


def node_baseline(ctx: Context) -> None:
    from coding_node_baseline import measure

    results = {
        "hello-world": measure("console.log('hello, world')", seconds=5),
        "100 ms CPU": measure(json.loads(_state["cpu_body"])["source"], seconds=5),
    }
    print("[bench] node -e per run (same machine, 2 concurrent spawners):", flush=True)
    for name, r in results.items():
        print(
            f"[bench]   {name:<12} {r['rps']:7.1f} runs/s  p50 {r['p50_ms']:7.1f} ms  "
            f"p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms",
            flush=True,
        )
    from pathlib import Path

    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "node_baseline.json").write_text(json.dumps(results, indent=2))


@contextlib.contextmanager
def attacks_running(ctx: Context):
    """One attacker posting the attack payloads back to back for the whole run."""
    stop = threading.Event()
    counts = {"sent": 0, "statuses": {}}

    def loop():
        i = 0
        while not stop.is_set():
            body = json.dumps({"language": "javascript", "source": ATTACKS[i % len(ATTACKS)]}).encode()
            request = urllib.request.Request(
                ctx.base_url + "/api/v1/code/run/",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {_state['attacker_token']}",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    status = json.loads(response.read()).get("status")
            except urllib.error.HTTPError as exc:
                status = f"http {exc.code}"
            except OSError as exc:
                status = type(exc).__name__
            counts["sent"] += 1
            counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
            i += 1

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        stop.set()
        for t in threads:
            t.join(20)
        print(
            f"[bench]   attacks during the run: {counts['sent']} sent, outcomes {counts['statuses']}",
            flush=True,
        )


def cpu_body(ctx: Context) -> str:
    return _state["cpu_body"]


def _code(name: str, body, *, during=None, connections: int = 8) -> Scenario:
    return Scenario(
        name,
        "/api/v1/code/run/",
        method="POST",
        body=body,
        lua="code_run.lua",
        connections=connections,
        setup=learners,
        during=during,
        unit_name="runs",
        tags=("coding",),
    )


SCENARIOS = [
    _code("code run: hello-world", HELLO),
    _code("code run: hello-world + attacks running", HELLO, during=attacks_running),
    _code("code run: 100 ms CPU-bound", cpu_body),
    _code("code run: 100 ms CPU-bound + attacks running", cpu_body, during=attacks_running),
]
