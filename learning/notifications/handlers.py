"""Event handlers: domain events become notifications (subscribed in apps.py)."""


def subscribe() -> None:
    pass
