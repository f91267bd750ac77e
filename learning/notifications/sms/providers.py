"""SMS providers behind one small interface: `send(to=, body=) -> message id`, raising
`SmsTemporaryError` (worth retrying: 5xx, 429, network) or `SmsPermanentError` (not:
a refused number, bad credentials). `provider_get()` picks one from SMS_PROVIDER.

- console: dev and the embedded default; logs the message, nothing leaves the machine.
- twilio: Twilio's Programmable Messaging REST API over plain HTTP (requests): POST
  {TWILIO_API_BASE_URL}/2010-04-01/Accounts/{sid}/Messages.json, HTTP basic auth
  (account SID, auth token), form-encoded To / From (or MessagingServiceSid) / Body;
  201 with the message's `sid`, or an error `{"code", "message", "status"}`.
  https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

log = logging.getLogger("mrict.sms")


class SmsError(Exception):
    pass


class SmsTemporaryError(SmsError):
    """The provider may accept the same message later."""


class SmsPermanentError(SmsError):
    """Sending it again will not help."""


class SmsProvider(Protocol):
    name: str

    def send(self, *, to: str, body: str) -> str: ...


class ConsoleProvider:
    """Prints the SMS to the log (dev). Every send succeeds."""

    name = "console"

    def send(self, *, to: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        log.warning("SMS to %s (console provider, not sent): %s", to, body, extra={"sms_id": message_id})
        return message_id


class TwilioProvider:
    name = "twilio"

    def __init__(self):
        missing = [
            name
            for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMS_FROM")
            if not getattr(settings, name)
        ]
        if missing:
            raise ImproperlyConfigured(f"SMS_PROVIDER=twilio needs {', '.join(missing)}.")
        self.sid = settings.TWILIO_ACCOUNT_SID
        self.url = f"{settings.TWILIO_API_BASE_URL}/2010-04-01/Accounts/{self.sid}/Messages.json"

    def send(self, *, to: str, body: str) -> str:
        sender = settings.SMS_FROM
        form = {"To": to, "Body": body}
        form["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        try:
            response = requests.post(
                self.url,
                data=form,
                auth=(self.sid, settings.TWILIO_AUTH_TOKEN),
                timeout=settings.SMS_TIMEOUT,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:
            raise SmsTemporaryError(f"twilio unreachable: {type(exc).__name__}") from exc
        if response.status_code in (200, 201):
            try:
                sid = response.json()["sid"]
            except (ValueError, KeyError, TypeError):
                raise SmsTemporaryError("twilio answered without a message sid") from None
            return str(sid)[:64]
        reason = _twilio_error(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsTemporaryError(reason)
        raise SmsPermanentError(reason)


def _twilio_error(response) -> str:
    try:
        data = response.json()
        return f"twilio {response.status_code} (code {data.get('code')}): {data.get('message')}"[:500]
    except (ValueError, AttributeError):
        return f"twilio {response.status_code}"


PROVIDERS = {"console": ConsoleProvider, "twilio": TwilioProvider}


def provider_get() -> SmsProvider:
    """The configured provider: a name of PROVIDERS, or the dotted path of a class."""
    name = settings.SMS_PROVIDER
    cls = PROVIDERS.get(name) or (import_string(name) if "." in name else None)
    if cls is None:
        raise ImproperlyConfigured(
            f"SMS_PROVIDER: unknown provider {name!r} (console, twilio or a dotted path)."
        )
    return cls()
