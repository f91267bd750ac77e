from learning.accounts.tests.conftest import api  # noqa: F401 (the committing API client)
from learning.notifications.sms.tests.twilio_server import twilio  # noqa: F401 (fixture)
