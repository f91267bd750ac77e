from learning.accounts.tests.conftest import api  # noqa: F401 (the committing API client)

from .twilio_server import twilio  # noqa: F401 (fixture)
