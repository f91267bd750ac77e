"""Domain event handlers of the coding app (subscribed in apps.py)."""


def similarity_on_submission(event) -> None:
    """A new submission: queue the challenge's near-duplicate scan (debounced)."""
    from .services import similarity_scan_request

    similarity_scan_request(challenge_id=event.challenge_id)


def similarity_on_project_saved(event) -> None:
    """A project workspace changed: queue its course's project scan (debounced). A
    project started blank (no course) is compared with nothing."""
    from learning.projects.selectors import project_course_id

    from .services import similarity_scan_projects_request

    course_id = project_course_id(project_id=event.project_id)
    if course_id is not None:
        similarity_scan_projects_request(course_id=course_id, force=False)
