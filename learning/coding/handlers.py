"""Domain event handlers of the coding app (subscribed in apps.py)."""


def similarity_on_submission(event) -> None:
    """A new submission: queue the challenge's near-duplicate scan (debounced)."""
    from .services import similarity_scan_request

    similarity_scan_request(challenge_id=event.challenge_id)
