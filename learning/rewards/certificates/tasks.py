"""django-q2 jobs: thin, ids in, a service call."""


def certificate_render_job(certificate_id: int) -> None:
    from .services import certificate_render

    certificate_render(certificate_id=certificate_id)
