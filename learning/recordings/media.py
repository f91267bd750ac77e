"""The video itself: what kind of file it is (magic bytes), what ffprobe says of it,
and the ffmpeg commands of the transcoding job. No database here.

ffmpeg is optional at run time (`make run` works without it): `tool_path()` answers
None when a binary is missing, and callers degrade (the video is kept as uploaded).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess  # noqa: S404 (fixed argument lists, never a shell)
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE_ID = b"\x42\x82"
SNIFF_BYTES = 64


class VideoInvalid(Exception):
    """The file is not a video we accept; `code` is the API error code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def container_of(head: bytes) -> str | None:
    """ "webm" for an EBML file whose DocType is webm, "mp4" for an ISO BMFF file
    (`ftyp` box first), else None. `head` is the file's first SNIFF_BYTES bytes."""
    if head.startswith(EBML_MAGIC):
        at = head.find(EBML_DOCTYPE_ID)
        if at < 0 or at + 3 > len(head):
            return None
        size_byte = head[at + 2]
        if not size_byte & 0x80:  # a DocType longer than one size byte says is not "webm"
            return None
        size = size_byte & 0x7F
        return "webm" if head[at + 3 : at + 3 + size] == b"webm" else None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    return None


def tool_path(name: str) -> str | None:
    """The ffmpeg/ffprobe binary to run (FFMPEG_BIN / FFPROBE_BIN), or None if absent."""
    binary = {"ffmpeg": settings.FFMPEG_BIN, "ffprobe": settings.FFPROBE_BIN}[name]
    return shutil.which(binary)


def tool_version(name: str) -> str:
    path = tool_path(name)
    if path is None:
        raise FileNotFoundError(f"{name} not found ({'FFMPEG_BIN' if name == 'ffmpeg' else 'FFPROBE_BIN'})")
    result = subprocess.run(  # noqa: S603
        [path, "-version"], capture_output=True, text=True, timeout=10, check=False
    )
    first = (result.stdout or "").splitlines()[:1]
    return first[0] if first else name


@dataclass(frozen=True)
class Probe:
    container: str
    video_codec: str
    width: int
    height: int
    duration_ms: int | None


def probe(path: Path, *, container: str) -> Probe:
    """Read the whole container with ffprobe (demuxing every packet, not decoding) and
    refuse what it cannot read to the end: a truncated WebM ends "prematurely", an MP4
    without its moov box does not open. Raises VideoInvalid."""
    ffprobe = tool_path("ffprobe")
    if ffprobe is None:
        raise FileNotFoundError("ffprobe not found")
    command = [
        ffprobe, "-v", "error", "-count_packets", "-print_format", "json",
        "-show_format", "-show_streams", str(path),
    ]  # fmt: skip
    try:
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=settings.RECORDING_FFPROBE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise VideoInvalid("video_unreadable", "Reading the video took too long.") from exc
    errors = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0 or errors:
        reason = _last_line(errors) or f"ffprobe exited with {result.returncode}"
        raise VideoInvalid("video_unreadable", f"The video cannot be read to the end ({reason}).")
    try:
        info = json.loads(result.stdout or b"{}")
    except ValueError as exc:
        raise VideoInvalid("video_unreadable", "ffprobe gave no answer about this file.") from exc
    video = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), None)
    if video is None:
        raise VideoInvalid("video_no_stream", "The file has no video stream.")
    if not int(video.get("nb_read_packets") or 0):
        raise VideoInvalid("video_unreadable", "The video stream has no frames.")
    duration = video.get("duration") or info.get("format", {}).get("duration")
    try:
        duration_ms = round(float(duration) * 1000) if duration not in (None, "N/A") else None
    except ValueError:
        duration_ms = None
    return Probe(
        container=container,
        video_codec=str(video.get("codec_name") or "")[:32],
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        duration_ms=duration_ms,
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _run_ffmpeg(arguments: list[str]) -> None:
    ffmpeg = tool_path("ffmpeg")
    if ffmpeg is None:
        raise FileNotFoundError("ffmpeg not found")
    command = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y", *arguments]
    try:
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=settings.RECORDING_TRANSCODE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"ffmpeg ran past RECORDING_TRANSCODE_TIMEOUT_S ({exc.timeout} s)") from exc
    if result.returncode != 0:
        reason = _last_line(result.stderr.decode("utf-8", "replace"))
        raise RuntimeError(f"ffmpeg exited with {result.returncode}: {reason}")


def make_poster(source: Path, target: Path, *, duration_ms: int | None) -> None:
    """One JPEG frame, a second in (or the middle of a shorter video)."""
    at = 1.0 if duration_ms is None or duration_ms >= 2000 else duration_ms / 2000
    _run_ffmpeg(["-ss", f"{at:.3f}", "-i", str(source), "-frames:v", "1", "-q:v", "4", str(target)])


DEFAULT_MP4_ARGS = "-c:v libx264 -preset veryfast -crf 26 -pix_fmt yuv420p -c:a aac -b:a 96k"


def rendition_arguments() -> list[str]:
    return shlex.split(settings.RECORDING_FFMPEG_ARGS or DEFAULT_MP4_ARGS)


def make_mp4(source: Path, target: Path) -> None:
    """H.264/AAC MP4 with the index first (`faststart`), so players start before the end."""
    _run_ffmpeg(["-i", str(source), *rendition_arguments(), "-movflags", "+faststart", str(target)])


def make_hls(source: Path, directory: Path) -> Path:
    """An HLS playlist (`index.m3u8`) and its MPEG-TS segments in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    playlist = directory / "index.m3u8"
    _run_ffmpeg(
        [
            "-i",
            str(source),
            *rendition_arguments(),
            "-f",
            "hls",
            "-hls_time",
            "6",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(directory / "segment%05d.ts"),
            str(playlist),
        ]  # fmt: skip
    )
    return playlist
