"""The SMS channel of the notification core (learning/notifications): registered in its
channel registry when that exists."""


def register() -> None:
    return None
