"""Django admin of analytics (registrations live beside their models)."""

from .xapi import admin as _xapi_admin  # noqa: F401 (registers the dead letters and the cursor)
