"""The channel registry: how a notification leaves the platform.

`in_app` is built in: it is the Notification row itself (shown in the inbox when the
user's preference for the type allows). Every other channel is a `DeliveryChannel`
registered here; `notify()` creates one `Delivery` row per notification and registered
channel that the user's preferences allow, and the delivery job hands each row to its
channel.

How a channel plugs in (the SMS module does exactly this):

    from learning.notifications.channels import DeliveryChannel, DeliveryRefused, register_channel

    class SmsChannel(DeliveryChannel):
        name = "sms"                      # a value of models.Channel

        def send(self, delivery, *, session) -> str:
            user = delivery.notification.recipient
            if not user_has_verified_phone(user):
                raise DeliveryRefused("no verified phone number")    # permanent: no retry
            return provider.send(to=..., text=delivery.notification.title)  # provider's message id

    # in the owning AppConfig.ready():
    register_channel(SmsChannel())

Rules of `send(delivery, *, session)`:
- return the provider's message id (stored on the Delivery, status `sent`);
- raise `DeliveryRefused(reason)` for a failure that a retry cannot fix (no address,
  the provider refused the recipient): the delivery is `failed` at once;
- raise anything else for a temporary failure (provider down, timeout, rate limit):
  the delivery stays `queued` and is retried with exponential backoff
  (NOTIFICATIONS_RETRY_BACKOFF_SECONDS, doubled per attempt) until
  NOTIFICATIONS_DELIVERY_MAX_ATTEMPTS, then `failed` with the last error.
- `session()` is a context manager around one batch of sends (e.g. one SMTP
  connection for a hundred mails); `delivery.notification.recipient` is loaded.
- `user_filter()` may narrow which users can receive on the channel at all (e.g. only
  users with a verified phone), as a Q on the user model; None = everyone.

A channel that is not registered is neither offered in the preferences nor delivered.
"""

import contextlib
import logging

log = logging.getLogger("mrict.notifications")

IN_APP = "in_app"


class DeliveryRefused(Exception):
    """A permanent delivery failure: no retry."""


class DeliveryChannel:
    name: str = ""

    def session(self):
        return contextlib.nullcontext()

    def send(self, delivery, *, session) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def user_filter(self):
        return None


_CHANNELS: dict[str, DeliveryChannel] = {}


def register_channel(channel: DeliveryChannel) -> DeliveryChannel:
    from .models import Channel

    if channel.name not in Channel.values or channel.name == IN_APP:
        raise ValueError(f"{channel.name!r} is not a deliverable channel of models.Channel")
    _CHANNELS[channel.name] = channel
    return channel


def unregister_channel(name: str) -> None:
    _CHANNELS.pop(name, None)


def get_channel(name: str) -> DeliveryChannel:
    return _CHANNELS[name]


def channel_names() -> list[str]:
    """Every channel a user can have a preference for: in_app, then the registered ones
    in models.Channel order."""
    from .models import Channel

    return [IN_APP] + [value for value in Channel.values if value in _CHANNELS]


def register_builtin_channels() -> None:
    from .email_channel import EmailChannel

    register_channel(EmailChannel())
