"""Jobs of recordings (django-q2). Thin: ids in, one service call."""


def recording_process(recording_id: int) -> str:
    """Probe, poster and rendition of an uploaded video (services.recording_process)."""
    from .services import recording_process as process

    return process(recording_id=recording_id)
