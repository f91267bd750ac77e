"""Real mail peers for tests, shared by every app that sends mail (accounts' one-time
codes, notifications): a local SMTP server (aiosmtpd) that keeps what it receives and
can be told to answer the next messages with an error, and `apply_email_url`, which
does what settings/base.py does with EMAIL_URL for a URL known only at test time.

Use the fixture by importing it into a conftest (or test module):
`from learning.accounts.tests.mail_servers import smtp_server  # noqa: F401`."""

import email
import socket

import environ
import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server received: (envelope recipients, parsed message) per mail.
    `replies`: SMTP answers for the next DATA commands, in order (e.g. "451 4.3.0 try
    later"); when empty, every mail is accepted."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.Message]] = []
        self.replies: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        if self.replies:
            return self.replies.pop(0)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def apply_email_url(settings, url: str) -> None:
    """What base.py does with EMAIL_URL, for a URL known only at test time."""
    for key, value in environ.Env.email_url_config(url).items():
        setattr(settings, key, value)
