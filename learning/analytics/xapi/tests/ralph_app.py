"""Ralph's LRS API (ralph.api:app) as the tests serve it, run by Ralph's own Python
(.venv-ralph), never imported by ours.

One change to Ralph, and only to its storage: its file-system LRS backend (ralph-malph
4.x to 5.1.0) writes every POST with the file data backend's default operation, CREATE,
which refuses an existing file, so only the first POST to a fresh directory is stored
and every later one is a 500 "Statements bulk indexation failed". Appending is what a
statement store does; the API (auth, validation, conflict checks, queries) is Ralph's
as shipped."""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402 (after the backend is set)

__all__ = ["app"]
