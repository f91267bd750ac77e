"""django-q2 jobs of item analysis: thin, they take ids and call the service."""


def item_analysis_run(report_id: int) -> None:
    from .services import item_analysis_compute

    item_analysis_compute(report_id=report_id)
