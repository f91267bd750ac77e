"""The resumable upload's wire format and its streaming copy (docs/recordings.md,
"Upload"). Pure: no database, no Django request, so the protocol rules are testable on
their own and the service stays about the use case.

A part is the request body with `Content-Range: bytes <first>-<last>/<total or *>`; a
body without Content-Range is the whole file (`bytes 0-<n-1>/<n>`). A chunked body (no
Content-Length; only where the server dechunks it, `wsgi.input_terminated`, as
gunicorn does) is a whole file of unknown size: read to its end, the limit enforced
as the bytes arrive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_CONTENT_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15}|\*)$")


class UploadRefused(Exception):
    """A part the protocol refuses; `status` and `code` become the API error."""

    def __init__(self, status: int, code: str, detail: str, *, offset: int | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.offset = offset


@dataclass(frozen=True)
class Part:
    first: int
    length: int | None  # None: a chunked body, read to its end
    total: int | None  # None: not known yet (`*`, or a chunked body)

    @property
    def end(self) -> int:
        return self.first + (self.length or 0)

    @property
    def is_last(self) -> bool:
        return self.length is None or (self.total is not None and self.end == self.total)


def part_parse(
    *, content_length: str | None, content_range: str | None, limit: int, chunked: bool = False
) -> Part:
    """The part a request announces, checked against the size limit before a byte of
    the body is read. `chunked`: the body has no length but the server ends it."""
    if content_length in (None, "") and chunked and not content_range:
        return Part(first=0, length=None, total=None)
    if content_length in (None, ""):
        raise UploadRefused(
            411,
            "length_required",
            "Send a Content-Length header (a chunked body only without Content-Range, where the "
            "server supports it).",
        )
    try:
        length = int(content_length)
    except ValueError:
        raise UploadRefused(400, "invalid_content_length", "Content-Length is not a number.") from None
    if length < 0:
        raise UploadRefused(400, "invalid_content_length", "Content-Length is not a number.")
    if not content_range:
        if length == 0:
            raise UploadRefused(400, "empty_upload", "The request body is empty.")
        part = Part(first=0, length=length, total=length)
    else:
        match = _CONTENT_RANGE.match(content_range.strip())
        if match is None:
            raise UploadRefused(
                400, "invalid_content_range", "Content-Range must read `bytes <first>-<last>/<total or *>`."
            )
        first, last = int(match[1]), int(match[2])
        total = None if match[3] == "*" else int(match[3])
        if last < first or (total is not None and last >= total):
            raise UploadRefused(
                400, "invalid_content_range", "Content-Range's last byte is outside the range."
            )
        if last - first + 1 != length:
            raise UploadRefused(
                400,
                "invalid_content_range",
                f"Content-Range announces {last - first + 1} bytes but Content-Length is {length}.",
            )
        part = Part(first=first, length=length, total=total)
    declared = part.total if part.total is not None else part.end
    if declared > limit:
        raise UploadRefused(
            413,
            "video_too_large",
            f"The video is {declared} bytes; the limit is {limit} bytes (RECORDING_MAX_UPLOAD_BYTES).",
        )
    return part


@dataclass(frozen=True)
class Copied:
    written: int
    complete: bool  # False: the body ended (or the connection dropped) before `length` bytes


def part_copy(*, stream, path: Path, first: int, length: int | None, limit: int, chunk_bytes: int) -> Copied:
    """Write `length` bytes of `stream` (None: all of it, to its end) into the file at
    `path` from offset `first`, one chunk at a time (never the whole body in memory).
    Whatever was past `first` in the file is dropped first. Stops with
    UploadRefused(413) as soon as the file would grow past `limit`, whatever the headers
    said. A dropped connection keeps the bytes that arrived (so the client resumes from
    there)."""
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "r+b" if path.exists() else "wb"
    with open(path, mode) as out:
        out.seek(first)
        out.truncate(first)
        while length is None or written < length:
            want = chunk_bytes if length is None else min(chunk_bytes, length - written)
            try:
                chunk = stream.read(want)
            except OSError:  # the client went away mid-body (UnreadablePostError, gunicorn's NoMoreData)
                return Copied(written=written, complete=False)
            if not chunk:
                return Copied(written=written, complete=length is None)
            if first + written + len(chunk) > limit:
                raise UploadRefused(
                    413,
                    "video_too_large",
                    f"The video grew past the limit of {limit} bytes (RECORDING_MAX_UPLOAD_BYTES).",
                )
            out.write(chunk)
            written += len(chunk)
    return Copied(written=written, complete=True)


def head_of(path: Path, size: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)
