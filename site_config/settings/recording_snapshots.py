"""Recordings, part 2: the code-snapshot timeline (ingestion, keyframes, playback reads).

Every limit is an environment variable; docs/recordings.md ("Snapshots", "Timeline and
state") says what each bounds and why the defaults are what they are."""

from .env import env

# --- ingestion: POST /api/v1/recordings/{id}/snapshots/ ---
RECORDING_SNAPSHOTS_MAX_BATCH = env.int("RECORDING_SNAPSHOTS_MAX_BATCH", default=10_000)
# The request body of one batch (JSON or NDJSON); this endpoint's own limit instead of
# API_MAX_BODY_BYTES, checked from Content-Length and again while the body is read.
RECORDING_SNAPSHOTS_MAX_BATCH_BYTES = env.int("RECORDING_SNAPSHOTS_MAX_BATCH_BYTES", default=33_554_432)
# The code state after any one snapshot: files, bytes per file, bytes in all.
RECORDING_SNAPSHOT_MAX_FILES = env.int("RECORDING_SNAPSHOT_MAX_FILES", default=20)
RECORDING_SNAPSHOT_MAX_FILE_BYTES = env.int("RECORDING_SNAPSHOT_MAX_FILE_BYTES", default=102_400)
RECORDING_SNAPSHOT_MAX_BYTES = env.int("RECORDING_SNAPSHOT_MAX_BYTES", default=512_000)
# Console output carried by one `console` snapshot.
RECORDING_SNAPSHOT_MAX_CONSOLE_BYTES = env.int("RECORDING_SNAPSHOT_MAX_CONSOLE_BYTES", default=65_536)
# A snapshot's offset may not pass this (24 h), whatever the video's duration.
RECORDING_SNAPSHOT_MAX_T_MS = env.int("RECORDING_SNAPSHOT_MAX_T_MS", default=86_400_000)
# A full keyframe every N snapshots: a state read resolves at most N - 1 diffs.
RECORDING_KEYFRAME_EVERY = env.int("RECORDING_KEYFRAME_EVERY", default=50)

# --- playback: GET .../timeline/ ---
RECORDING_TIMELINE_MAX_ITEMS = env.int("RECORDING_TIMELINE_MAX_ITEMS", default=500)
# GET .../state/: each web process keeps the time index (every snapshot's t_ms, 8 bytes
# each) of this many recordings (learning/recordings/read_cache.py).
RECORDING_TIME_INDEX_KEPT = env.int("RECORDING_TIME_INDEX_KEPT", default=32)

# The schema's names of the two `kind` choice sets: a snapshot's, and a challenge test's
# (which keeps the name it had before snapshots came).
from .api import SPECTACULAR_SETTINGS  # noqa: E402

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["SnapshotKindEnum"] = (
    "learning.recordings.snapshot_models.SnapshotKind.choices"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["KindEnum"] = ["assert", "io"]  # ChallengeTest.Kind
