"""Subscriptions of the rewards app to the domain event bus (filled in below)."""


def subscribe() -> None:
    pass
