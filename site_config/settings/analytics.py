"""Learning analytics (docs/analytics.md)."""

from .env import env

# The key of the pseudonymous actor id (learning/analytics/pseudonym.py); SECRET_KEY
# when empty. Changing it starts new pseudonyms.
ANALYTICS_PSEUDONYM_KEY = env("ANALYTICS_PSEUDONYM_KEY", default="")
