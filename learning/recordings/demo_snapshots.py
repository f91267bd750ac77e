"""The demo recording's code timeline: about 50 snapshots of a teacher typing a small
page (index.html, then script.js), running it, changing it and running it again, spread
over the video's length. Goes through the real ingestion service; idempotent (fixed
snapshot ids: a second call inserts nothing)."""

from __future__ import annotations

import re

from .models import Recording

HTML = (
    "<!doctype html>\n"
    "<h1>My first page</h1>\n"
    '<button id="go">Say hello</button>\n'
    '<p id="out"></p>\n'
    '<script src="script.js"></script>\n'
)
SCRIPT = (
    'const button = document.getElementById("go");\n'
    'const out = document.getElementById("out");\n'
    'button.addEventListener("click", () => {\n'
    '  out.textContent = "Hello, world!";\n'
    '  console.log("clicked");\n'
    "});\n"
)


def _chunks(text: str, n: int) -> list[str]:
    """`text` cut into about n pieces at word boundaries: what n keystroke bursts type."""
    tokens = re.findall(r"\w+|\W+", text)
    per = -(-len(tokens) // n)
    return ["".join(tokens[i : i + per]) for i in range(0, len(tokens), per)]


def demo_snapshot_items(duration_ms: int = 6000) -> list[dict]:
    """The snapshots as a client would send them, within `duration_ms`."""
    steps: list[dict] = []
    for path, text, n in (("index.html", HTML, 25), ("script.js", SCRIPT, 25)):
        typed = 0
        line = 1
        for piece in _chunks(text, n):
            typed += len(piece)
            line += piece.count("\n")
            steps.append(
                {
                    "diff": {path: [[typed - len(piece), 0, piece]]},
                    "cursor": {"path": path, "line": line, "column": 1},
                }
            )
    steps.append({"kind": "run"})
    steps.append({"kind": "console", "console": "clicked\n"})
    # then the teacher changes the greeting and runs it again
    at = SCRIPT.index("world")
    steps.append(
        {
            "diff": {"script.js": [[at, len("world"), "class"]]},
            "cursor": {"path": "script.js", "line": 4, "column": 30},
        }
    )
    steps.append({"kind": "run"})
    steps.append({"kind": "console", "console": "clicked\n"})
    gap = max(1, duration_ms // (len(steps) + 1))
    return [{"id": f"demo-{i:03d}", "t_ms": (i + 1) * gap, **step} for i, step in enumerate(steps)]


def add_demo_snapshots(recording: Recording) -> int:
    """Add the demo timeline to `recording`; the number of snapshots inserted."""
    from .timeline_services import snapshots_ingest

    items = demo_snapshot_items(recording.duration_ms or 6000)
    return snapshots_ingest(recording_id=recording.pk, items=items).inserted


def load() -> list[str]:
    """A DEMO_LOADERS entry, after learning.recordings.demo.load (the recording)."""
    from .demo import demo_recording

    recording = demo_recording()
    if recording is None:
        return ["No demo recording to add snapshots to."]
    inserted = add_demo_snapshots(recording)
    recording.refresh_from_db()
    return [f"Demo recording snapshots: {inserted} added ({recording.snapshot_count} in all)."]
