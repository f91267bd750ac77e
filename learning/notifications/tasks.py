"""django-q2 jobs of notifications: thin, they take ids and call services."""


def deliveries_send(delivery_ids: list[int]) -> dict:
    from .services.delivery import deliveries_send as send

    return send(delivery_ids=delivery_ids)


def deliveries_retry_due() -> int:
    """Every minute (setup_schedules): re-queue due retries and lost deliveries."""
    from .services.delivery import deliveries_retry_due as sweep

    return sweep()
