"""SMS: providers (console, Twilio's REST API), verified phone numbers, messages with
their delivery status, the per-user daily cap (docs/sms.md)."""
