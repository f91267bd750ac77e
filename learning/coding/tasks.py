"""django-q2 jobs of the coding app: thin, they take ids and call a service."""


def similarity_scan(challenge_id: int) -> dict:
    """The near-duplicate scan of one challenge (services.similarity_scan_run)."""
    from .services import similarity_scan_run

    return similarity_scan_run(challenge_id=challenge_id)
