"""The email channel: the project's one mail path (Django's email backend chosen by
EMAIL_URL / EMAIL_BACKEND, i.e. SMTP or an ESP through django-anymail, the same one the
one-time codes use; site_config/settings/mail.py), sent from the delivery job.

Each mail has a text and an HTML part (templates notifications/email/<type>.{txt,html},
falling back to notification.{txt,html}), a List-Unsubscribe header with the one-click
POST URL of RFC 8058 (unsubscribe from this type), and a link to unsubscribe from
every notification mail in the body."""

import smtplib
from contextlib import contextmanager
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string, select_template

from .channels import DeliveryChannel, DeliveryRefused, log
from .models import ALL_TYPES
from .registry import NOTIFICATION_TYPES
from .tokens import unsubscribe_token


def unsubscribe_url(token: str) -> str:
    return settings.NOTIFICATIONS_UNSUBSCRIBE_URL.format(token=token)


class EmailChannel(DeliveryChannel):
    name = "email"

    @contextmanager
    def session(self):
        connection = get_connection()
        try:
            connection.open()
        except Exception:  # noqa: BLE001 - each send then fails (and is retried) on its own
            log.warning("mail connection could not be opened", exc_info=True)
        try:
            yield connection
        finally:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                log.warning("mail connection did not close cleanly", exc_info=True)

    def send(self, delivery, *, session) -> str:
        notification = delivery.notification
        user = notification.recipient
        if not user.is_active or not user.email:
            raise DeliveryRefused("no email address")
        if not user.email_verified:
            raise DeliveryRefused("email address not verified")
        one = unsubscribe_url(unsubscribe_token(user_id=user.pk, type=notification.type, channel=self.name))
        every = unsubscribe_url(unsubscribe_token(user_id=user.pk, type=ALL_TYPES, channel=self.name))
        kind = NOTIFICATION_TYPES.get(notification.type)
        context = {
            "notification": notification,
            "name": user.display_name,
            "type_label": kind.label if kind else notification.type,
            "unsubscribe_url": one,
            "unsubscribe_all_url": every,
            "site_url": settings.NOTIFICATIONS_SITE_URL,
        }
        names = [f"notifications/email/{notification.type}", "notifications/email/notification"]
        text = select_template([f"{n}.txt" for n in names]).render(context)
        html = select_template([f"{n}.html" for n in names]).render(context)
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or None
        message = EmailMultiAlternatives(
            # one line whatever the title holds (a newline in a header is refused)
            subject=" ".join(render_to_string("notifications/email/subject.txt", context).split())[:200],
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            connection=session,
            headers={
                "Message-ID": make_msgid(domain=domain),
                "List-Unsubscribe": f"<{one}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise DeliveryRefused(f"recipient refused: {codes[0]}") from error
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise DeliveryRefused(f"refused by the mail server: {error.smtp_code}") from error
            raise
        except Exception as error:
            _raise_if_permanent_anymail(error)
            raise
        status = getattr(message, "anymail_status", None)
        if status is not None and status.message_id:
            return str(status.message_id)
        return message.extra_headers["Message-ID"]


def _raise_if_permanent_anymail(error: Exception) -> None:
    """An ESP's 4xx (but 429, too many requests) or refused recipient is permanent."""
    try:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is in requirements
        return
    if isinstance(error, AnymailRecipientsRefused):
        raise DeliveryRefused("recipient refused by the provider") from error
    if isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None)
        if status is not None and 400 <= status < 500 and status != 429:
            raise DeliveryRefused(f"refused by the provider: HTTP {status}") from error
