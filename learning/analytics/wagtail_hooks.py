"""The analytics app's Wagtail hooks (Wagtail reads this module of every app)."""

from .rollups import wagtail_hooks  # noqa: F401  (Reports > Learning analytics)
