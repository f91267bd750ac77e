"""django-q2 jobs of the coding app: thin, they take ids and call a service."""


def similarity_scan(challenge_id: int) -> dict:
    """The near-duplicate scan of one challenge (services.similarity_scan_run)."""
    from .services import similarity_scan_run

    return similarity_scan_run(challenge_id=challenge_id)


def similarity_scan_projects(course_id: int) -> dict:
    """The near-duplicate scan of a course's projects."""
    from .services import similarity_scan_projects_run

    return similarity_scan_projects_run(course_id=course_id)
