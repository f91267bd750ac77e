"""Serving a recording's files (video, poster, rendition) to players, with HTTP Range
(docs/recordings.md, "Serving video").

A `<video src>` cannot send a JWT, so players get signed URLs: our own endpoint with a
`token` query parameter signed for (recording, file, user) and valid
RECORDING_MEDIA_URL_TTL_S, or, when the storage has no local path (S3), the storage's
own presigned URL (the endpoint then redirects there)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import StreamingHttpResponse
from django.urls import reverse

from .models import Recording

MEDIA_KINDS = ("video", "poster", "rendition")
CONTENT_TYPES = {
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
}
_SALT = "recordings.media"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def media_token(*, recording_id: int, kind: str, user_id: int) -> str:
    return signing.dumps({"r": recording_id, "k": kind, "u": user_id}, salt=_SALT, compress=True)


def media_token_user_id(token: str, *, recording_id: int, kind: str) -> int | None:
    """The user a token was made for, or None (forged, expired, or for another file)."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.RECORDING_MEDIA_URL_TTL_S)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("r") != recording_id or data.get("k") != kind:
        return None
    return data.get("u") if isinstance(data.get("u"), int) else None


def stored_locally(field) -> bool:
    try:
        field.storage.path(field.name)
    except NotImplementedError:
        return False
    return True


def media_url(recording: Recording, kind: str, *, user, request=None) -> str | None:
    """The URL a player loads `kind` from, for this user, or None when there is no such
    file. Part 2's learner detail uses this for its video/poster/rendition URLs."""
    field = getattr(recording, kind)
    if not field:
        return None
    if not stored_locally(field):
        return field.storage.url(field.name)  # presigned by the storage (S3 querystring auth)
    url = reverse(f"v1:recording-{kind}", kwargs={"recording_id": recording.pk})
    url += "?token=" + media_token(recording_id=recording.pk, kind=kind, user_id=user.pk)
    return request.build_absolute_uri(url) if request is not None else url


@dataclass(frozen=True)
class StoredFile:
    """A stored file that is not a model field (an HLS segment)."""

    storage: object
    name: str

    @property
    def size(self) -> int:
        return self.storage.size(self.name)


HLS_SEGMENT = re.compile(r"^segment[0-9]{5}\.ts$")


def hls_playlist(recording: Recording, *, token: str | None) -> bytes:
    """The rendition's HLS playlist, its segment names turned into URLs of the segment
    endpoint next to it, carrying the caller's signed token when they came with one (a
    relative URL would drop the query string)."""
    with recording.rendition.open("rb") as fh:
        lines = fh.read().decode("utf-8").splitlines()
    out = []
    for line in lines:
        if line and not line.startswith("#") and HLS_SEGMENT.match(line.strip()):
            line = line.strip() + (f"?token={token}" if token else "")
        out.append(line)
    return ("\n".join(out) + "\n").encode()


def hls_segment(recording: Recording, name: str) -> StoredFile | None:
    if recording.rendition_kind != "hls" or not recording.rendition or not HLS_SEGMENT.match(name):
        return None
    stored = StoredFile(recording.rendition.storage, recording.rendition.name.rsplit("/", 1)[0] + "/" + name)
    return stored if stored.storage.exists(stored.name) else None


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class RangeNotSatisfiable(Exception):
    pass


def range_parse(header: str | None, size: int) -> ByteRange | None:
    """The one range a `Range` header asks for, None to send the whole file (no header,
    a malformed one, or several ranges: RFC 9110 lets a server ignore those), or
    RangeNotSatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match[1], match[2]
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise RangeNotSatisfiable
    end = int(last) if last else size - 1
    return ByteRange(start, min(end, size - 1))


def etag_of(field, size: int) -> str:
    # The stored name changes with every upload and job run, so it identifies the bytes.
    return '"' + hashlib.sha256(f"{field.name}:{size}".encode()).hexdigest()[:32] + '"'


def _chunks(fh, start: int, length: int, chunk_bytes: int):
    try:
        fh.seek(start)
        left = length
        while left > 0:
            data = fh.read(min(chunk_bytes, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        fh.close()


def file_response(field, *, range_header: str | None, if_range: str | None, chunk_bytes: int = 256 * 1024):
    """A 200 or 206 streaming the file (never read whole), or RangeNotSatisfiable.
    `field`: a FieldFile, or anything with `storage`, `name` and `size` (StoredFile)."""
    size = field.size
    etag = etag_of(field, size)
    wanted = range_parse(range_header, size)
    if wanted is not None and if_range and if_range.strip() != etag:
        wanted = None  # the client's copy is of other bytes: send them all (RFC 9110 13.1.5)
    start, length = (wanted.start, wanted.length) if wanted else (0, size)
    fh = field.storage.open(field.name, "rb")
    response = StreamingHttpResponse(_chunks(fh, start, length, chunk_bytes), status=206 if wanted else 200)
    suffix = "." + field.name.rsplit(".", 1)[-1].lower()
    response["Content-Type"] = CONTENT_TYPES.get(suffix, "application/octet-stream")
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=3600"
    if wanted:
        response["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{size}"
    return response
