"""Helpers of the recordings tests: send a video through the real upload endpoint."""

from pathlib import Path


def video_url(recording_id: int) -> str:
    return f"/api/v1/recordings/{recording_id}/video/"


def upload(client, recording_id: int, body: bytes, *, content_type="video/webm", content_range=None, **extra):
    headers = {"HTTP_CONTENT_RANGE": content_range} if content_range else {}
    return client.post(video_url(recording_id), body, content_type=content_type, **headers, **extra)


class CountingStream:
    """A request body that counts what the server reads of it (and can end early, as a
    dropped connection does)."""

    def __init__(self, data: bytes = b"", *, endless: bool = False):
        self.data = data
        self.endless = endless
        self.read_bytes = 0

    def read(self, size=-1):
        if self.endless:
            size = 65536 if size is None or size < 0 else size
            self.read_bytes += size
            return b"\0" * size
        if size is None or size < 0:
            size = len(self.data) - self.read_bytes
        chunk = self.data[self.read_bytes : self.read_bytes + size]
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        return self.read(size)


def upload_stream(
    client, recording_id, stream, *, length: int, content_type="video/webm", content_range=None
):
    """POST whose body is `stream`, announcing `length` bytes (the stream may hold fewer)."""
    extra = {"wsgi.input": stream, "CONTENT_LENGTH": str(length)}
    if content_range:
        extra["HTTP_CONTENT_RANGE"] = content_range
    return client.post(video_url(recording_id), b"", content_type=content_type, **extra)


def stored_path(field) -> Path:
    return Path(field.storage.path(field.name))
