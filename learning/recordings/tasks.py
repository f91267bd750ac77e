"""Jobs of recordings (django-q2). Thin: ids in, one service call."""


def recording_process(recording_id: int) -> str:
    """Probe, poster and rendition of an uploaded video (services.recording_process)."""
    from .services import recording_process as process

    return process(recording_id=recording_id)


def recording_uploads_cleanup() -> str:
    """Hourly: drop uploads abandoned for RECORDING_UPLOAD_ABANDON_HOURS
    (services.recording_uploads_cleanup)."""
    from .services import recording_uploads_cleanup as cleanup

    cleaned = cleanup()
    return f"{len(cleaned.recordings)} abandoned uploads dropped, {len(cleaned.files)} files removed"
