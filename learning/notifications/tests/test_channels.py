"""The channel registry as a module plugs into it (the SMS provider does so): a
registered channel is offered in the preferences, gets its deliveries from notify()
for the users it can reach and the preferences allow, and its outcomes are recorded."""

import pytest
from django.db.models import Q

from learning.accounts.tests.factories import UserFactory
from learning.notifications import channels
from learning.notifications.models import Delivery
from learning.notifications.services import notify

pytestmark = pytest.mark.django_db


class RecordingChannel(channels.DeliveryChannel):
    """Sends to a list; refuses users whose name is "Refused"."""

    name = "sms"

    def __init__(self):
        self.sent = []

    def user_filter(self):
        return Q(email__endswith="@reachable.test")

    def send(self, delivery, *, session):
        user = delivery.notification.recipient
        if user.first_name == "Refused":
            raise channels.DeliveryRefused("number blocked")
        self.sent.append((user.pk, delivery.notification.title))
        return f"provider-{len(self.sent)}"


@pytest.fixture
def sms_channel():
    previous = channels._CHANNELS.get("sms")
    channel = channels.register_channel(RecordingChannel())
    yield channel
    if previous is not None:
        channels.register_channel(previous)
    else:
        channels.unregister_channel("sms")


def test_a_registered_channel_is_offered_filtered_and_recorded(sms_channel, client_for, committed):
    reachable = UserFactory(email="a@reachable.test", first_name="Ann")
    refused = UserFactory(email="b@reachable.test", first_name="Refused")
    unreachable = UserFactory(email="c@elsewhere.test")
    for user in (reachable, refused, unreachable):
        body = client_for(user).patch(
            "/api/v1/notifications/preferences/",
            {"preferences": [{"type": "admin_message", "channel": "sms", "enabled": True}]},
            format="json",
        )
        assert body.status_code == 200 and "sms" in body.json()["channels"]
    silent = UserFactory(email="d@reachable.test")  # sms is off by default for every type
    with committed():
        result = notify(
            recipients=[reachable, refused, unreachable, silent],
            type="admin_message",
            title="Class moved",
            channels=["sms"],
        )
    assert result.deliveries == {"sms": 2} and result.skipped == 2
    assert sms_channel.sent == [(reachable.pk, "Class moved")]
    outcomes = dict(Delivery.objects.values_list("notification__recipient", "status"))
    assert outcomes == {reachable.pk: "sent", refused.pk: "failed"}
    assert Delivery.objects.get(notification__recipient=reachable).provider_message_id == "provider-1"
    with pytest.raises(ValueError, match="not a deliverable channel"):
        channels.register_channel(type("Bad", (channels.DeliveryChannel,), {"name": "pigeon"})())
