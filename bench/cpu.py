"""CPU accounting for `make bench`: how much CPU the server tree used during a row and
how much went to everything else on the machine (wrk, PostgreSQL, Redis, other jobs
sharing these 2 cores), so a busy machine shows in the output, not as a mystery in
the table."""

from __future__ import annotations

import contextlib
import os
import time

TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy so far (all cores, all but idle
    and iowait)."""
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    return (sum(cpu) - cpu[3] - cpu[4]) / TICK


def busy_cores(seconds: float) -> float:
    """How many cores the machine kept busy over the next `seconds`."""
    busy0, start = machine_busy_seconds(), time.monotonic()
    time.sleep(seconds)
    return (machine_busy_seconds() - busy0) / (time.monotonic() - start)


def _proc_stat(pid: int) -> tuple[int, list[str]] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields


def server_seconds(port: str) -> float:
    """CPU seconds so far of the server (gunicorn on `port`, its threads, its sandbox
    workers, reaped children included)."""
    return sum(server_seconds_by_worker(port).values())


def server_seconds_by_worker(port: str) -> dict[int, float]:
    """CPU seconds so far of each process right under the gunicorn master(s) on `port`
    (the workers, each with its own children), the master(s) under their own pid."""
    stats, children = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (found := _proc_stat(int(name))):
            stats[int(name)] = found[1]
            children.setdefault(found[0], []).append(int(name))
    roots = []
    for pid in stats:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read()
            if b"gunicorn" in cmd and f"127.0.0.1:{port}".encode() in cmd:
                roots.append(pid)
    roots = [pid for pid in roots if stats[pid][0] not in roots]  # masters, not their workers
    seen: set[int] = set()

    def tree(pid: int) -> int:
        ticks, todo = 0, [pid]
        while todo:
            pid = todo.pop()
            if pid in seen or pid not in stats:
                continue
            seen.add(pid)
            ticks += sum(int(x) for x in stats[pid][11:15])  # utime, stime, cutime, cstime
            todo += children.get(pid, [])
        return ticks

    found = {}
    for root in roots:
        seen.add(root)
        for worker in children.get(root, []):
            found[worker] = tree(worker) / TICK
        found[root] = sum(int(x) for x in stats[root][11:15]) / TICK
    return found


@contextlib.contextmanager
def cpu_meter(base_url: str):
    """Print the server's and everything else's CPU over the block."""
    port = base_url.rsplit(":", 1)[1]
    workers0, machine0, started = server_seconds_by_worker(port), machine_busy_seconds(), time.monotonic()
    yield
    workers1, machine = server_seconds_by_worker(port), machine_busy_seconds() - machine0
    per_worker = {pid: seconds - workers0.get(pid, 0.0) for pid, seconds in workers1.items()}
    server = sum(per_worker.values())
    wall = time.monotonic() - started
    # One worker holding every connection shows here as one busy worker and idle others.
    spread = ", ".join(f"{s:.1f}" for s in sorted(per_worker.values(), reverse=True) if s >= 0.05)
    print(
        f"[bench]   CPU over {wall:.1f} s: server {server:.1f} s (per process: {spread}), "
        f"everything else (wrk, postgres, "
        f"redis, extra load, other jobs) {max(0.0, machine - server):.1f} s, "
        f"of {wall * (os.cpu_count() or 1):.1f} s on {os.cpu_count()} cores",
        flush=True,
    )
