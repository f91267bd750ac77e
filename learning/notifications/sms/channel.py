"""The SMS channel of the notification core (learning/notifications/channels.py):
registered from SmsConfig.ready(). Only users with a verified phone number can receive
on it (`user_filter`, so notify() creates no SMS delivery for anyone else); the send
itself goes through sms.services (daily cap, provider), and the notification core's
delivery job retries temporary failures with its backoff."""

from django.db.models import Q

from learning.notifications.channels import DeliveryChannel, DeliveryRefused, register_channel


class SmsChannel(DeliveryChannel):
    name = "sms"

    def user_filter(self):
        return Q(phone__verified_at__isnull=False)

    def send(self, delivery, *, session) -> str:
        from .services import SmsRefused, sms_send_notification

        notification = delivery.notification
        text = f"Mr ICT: {notification.title}"
        if notification.body:
            text += f"\n{notification.body}"
        try:
            return sms_send_notification(
                user_id=notification.recipient_id, body=text, source=f"delivery:{delivery.pk}"
            )
        except SmsRefused as refused:
            raise DeliveryRefused(str(refused)) from refused


def register() -> None:
    register_channel(SmsChannel())
