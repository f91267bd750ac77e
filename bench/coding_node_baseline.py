#!/usr/bin/env python
"""The comparison for the code-run scenarios: spawn `node -e <script>` per run, as a
naive sandbox would, with 2 runs in flight (one per core), and report runs/s and
latency percentiles. `python bench/coding_node_baseline.py` runs it alone."""

from __future__ import annotations

import statistics
import subprocess
import threading
import time


def measure(script: str, *, seconds: float = 5.0, concurrency: int = 2) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            subprocess.run(["node", "-e", script], capture_output=True, check=False)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "runs": len(latencies),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


if __name__ == "__main__":
    for name, script in [
        ("hello-world", "console.log('hello, world')"),
        ("100 ms CPU", "const t = Date.now(); while (Date.now() - t < 100) {} console.log('done')"),
    ]:
        r = measure(script)
        print(f"{name:<12} {r['rps']:7.1f} runs/s  p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms")
