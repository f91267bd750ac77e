"""django-q2 jobs of SMS: thin, they take ids and call services."""


def sms_send(message_id: int) -> None:
    from .services import sms_deliver

    sms_deliver(message_id=message_id)
