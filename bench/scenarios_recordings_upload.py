"""Recordings: the web process's memory while a 300 MB video streams in (issue 14,
acceptance "Memory": resident memory growth under 50 MB).

Not a wrk row: one upload through the real API to the bench's gunicorn, its RSS
sampled every 20 ms from /proc before and during the request. The video is made on the
fly: a short, high-bitrate WebM encoded once by ffmpeg, then looped with `-c copy` (no
re-encoding) to BENCH_RECORDING_MB megabytes (300), so ffprobe accepts it at the end
like a real screencast. The bench server runs with RECORDING_TRANSCODE=off
(bench/run.py): the job only probes it and makes a poster. The recording is deleted
afterwards."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from scenarios import Context, Scenario

MB = 1024 * 1024
TARGET_MB = int(os.environ.get("BENCH_RECORDING_MB", 300))
LIMIT_MB = 50
NOISE = "nullsrc=size=320x240:rate=25,geq=random(1)*255:128:128"  # incompressible: big frames


def _make_video(folder: Path, target_bytes: int) -> Path:
    ffmpeg = shutil.which(os.environ.get("FFMPEG_BIN", "ffmpeg"))
    if ffmpeg is None:
        raise RuntimeError("the recordings upload row needs ffmpeg (apt-get install -y ffmpeg)")
    clip = folder / "clip.webm"
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", NOISE,
            "-t", "4", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "40M",
            "-minrate", "40M", "-maxrate", "40M", "-bufsize", "40M", "-an", str(clip),
        ],
        check=True,
        timeout=300,
    )  # fmt: skip
    loops = max(1, -(-target_bytes // clip.stat().st_size))
    video = folder / "upload.webm"
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-y",
            "-stream_loop",
            str(loops - 1),
            "-i",
            str(clip),
            "-c",
            "copy",
            str(video),
        ],
        check=True,
        timeout=300,
    )
    return video


def _gunicorn_pids(port: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
            pids.append(int(entry.name))
    return pids


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _request(ctx: Context, method: str, path: str, body=None, headers=None, length=None):
    host, port = ctx.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    headers = {"Authorization": f"Bearer {ctx.tokens['admin']}", **(headers or {})}
    if length is not None:
        headers["Content-Length"] = str(length)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def _upload_memory(ctx: Context, duration_s: int) -> dict:
    import django

    django.setup()
    from cms.models import CoursePage

    course = CoursePage.objects.live().order_by("path").first()
    port = int(ctx.base_url.rsplit(":", 1)[1])
    with tempfile.TemporaryDirectory() as tmp:
        video = _make_video(Path(tmp), TARGET_MB * MB)
        size = video.stat().st_size
        status, data = _request(
            ctx,
            "POST",
            "/api/v1/authoring/recordings/",
            body=json.dumps({"title": "bench upload", "course": course.pk}),
            headers={"Content-Type": "application/json"},
        )
        if status != 201:
            raise RuntimeError(f"creating the recording answered {status}: {data[:300]!r}")
        recording_id = json.loads(data)["id"]
        workers = _gunicorn_pids(port)
        before = {pid: _rss(pid) for pid in workers}
        peak = dict(before)
        done = threading.Event()

        def sample():
            while not done.is_set():
                for pid in workers:
                    peak[pid] = max(peak[pid], _rss(pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        with open(video, "rb") as fh:
            status, data = _request(
                ctx,
                "POST",
                f"/api/v1/recordings/{recording_id}/video/",
                body=fh,
                headers={"Content-Type": "video/webm"},
                length=size,
            )
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        after = {pid: _rss(pid) for pid in workers}
        _request(ctx, "DELETE", f"/api/v1/authoring/recordings/{recording_id}/")
    growth = max(peak[pid] - before[pid] for pid in workers)
    settled = max(after[pid] - before[pid] for pid in workers)
    ok = status == 200 and growth < LIMIT_MB * MB
    ms = elapsed * 1000
    return {
        "rps": 1 / elapsed,
        "p50_ms": ms,
        "p95_ms": ms,
        "p99_ms": ms,
        "errors": 0,
        "non2xx": 0 if status == 200 else 1,
        "note": (
            f"{size / MB:.0f} MB WebM uploaded in {elapsed:.1f} s ({size / MB / elapsed:.0f} MB/s, "
            f"ffprobe included); web worker RSS peak growth {growth / MB:.1f} MB, after "
            f"{settled / MB:.1f} MB (target < {LIMIT_MB} MB: {'met' if ok else 'NOT met'}); "
            f"answer {status}"
        ),
        "rss_growth_bytes": growth,
    }


SCENARIOS = [
    Scenario(
        "recordings: 300 MB video upload, web RSS growth",
        "/api/v1/recordings/{id}/video/",
        method="POST",
        user="admin",
        runner=_upload_memory,
        tags=("recordings",),
    ),
]
