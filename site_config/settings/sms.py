"""SMS (learning/notifications/sms, docs/sms.md): the provider, its credentials, the
phone-number rules and the per-user daily cap. Every number is an environment variable."""

from .env import env

# "console" (dev: the message is logged, nothing leaves the machine) or "twilio".
SMS_PROVIDER = env("SMS_PROVIDER", default="console")
# The sender: a Twilio number in E.164 ("+15005550006") or a Messaging Service SID ("MG...").
SMS_FROM = env("SMS_FROM", default="")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
# Twilio's REST API root; tests point it at a local server speaking the same API.
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", default="https://api.twilio.com").rstrip("/")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)

# Messages (codes included) one user may be sent in any 24 hours; 0 = no SMS at all.
SMS_DAILY_CAP = env.int("SMS_DAILY_CAP", default=10)
# Tries of one message on a temporary failure (5xx, 429, network), with doubling waits.
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=4)
SMS_RETRY_BACKOFF_SECONDS = env.int("SMS_RETRY_BACKOFF_SECONDS", default=30)
SMS_MAX_CHARS = env.int("SMS_MAX_CHARS", default=320)
# Region for numbers typed without the international prefix ("020 7946 0018" with "GB");
# empty: a number must start with "+" and its country code.
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", default="")
# Phone-number changes (each sends a code) per user; code checks per user (DRF rates).
SMS_THROTTLE_PHONE = env("SMS_THROTTLE_PHONE", default="5/hour")
SMS_THROTTLE_PHONE_VERIFY = env("SMS_THROTTLE_PHONE_VERIFY", default="10/min")
