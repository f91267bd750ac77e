"""One request to the LRS: POST <ANALYTICS_XAPI_ENDPOINT>/statements with a list of
statements, HTTP basic auth and `X-Experience-API-Version: 1.0.3`
(https://github.com/adlnet/xAPI-Spec/blob/1.0.3/xAPI-Communication.md#212-post-statements).

What an answer means here:
- 2xx: every statement is stored (or was already, identical).
- network error, timeout, 5xx, 429: the LRS may take the same batch later. Retried up to
  ANALYTICS_XAPI_MAX_ATTEMPTS times, the waits doubling from the backoff; then
  `LrsUnavailable` (the run stops; the next one starts from the same place).
- 401, 403, 404, 405: our configuration is wrong (credentials, endpoint), not the
  statements: `LrsMisconfigured`, the run stops, nothing is dead-lettered.
- any other 4xx (400 invalid, 409 conflicting id, 413 too large): `LrsRefused`; the
  caller bisects the batch to find the statements at fault.
"""

from __future__ import annotations

import json
import logging
import time

import requests
from django.conf import settings

log = logging.getLogger("mrict.analytics.xapi")

XAPI_VERSION = "1.0.3"
_CONFIGURATION_STATUSES = {401, 403, 404, 405}
_ERROR_CHARS = 500


class LrsError(Exception):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class LrsUnavailable(LrsError):
    """Network error, timeout, 5xx or 429 on every attempt."""


class LrsMisconfigured(LrsError):
    """The LRS refused us, not the statements (credentials, endpoint)."""


class LrsRefused(LrsError):
    """The LRS refused the statements (400, 409, 413, ...)."""


def _describe(response: requests.Response) -> str:
    text = response.text.strip()
    try:
        body = response.json()
    except ValueError:
        pass
    else:
        if isinstance(body, dict):
            text = str(body.get("detail") or body.get("message") or json.dumps(body))
    return f"HTTP {response.status_code}: {text}"[:_ERROR_CHARS]


class LrsClient:
    def __init__(self):
        self.url = f"{settings.ANALYTICS_XAPI_ENDPOINT}/statements"
        self.session = requests.Session()
        if settings.ANALYTICS_XAPI_USERNAME or settings.ANALYTICS_XAPI_PASSWORD:
            self.session.auth = (settings.ANALYTICS_XAPI_USERNAME, settings.ANALYTICS_XAPI_PASSWORD)
        self.session.headers.update(
            {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
        )

    def close(self):
        self.session.close()

    def post_statements(self, statements: list[dict]) -> None:
        attempts = settings.ANALYTICS_XAPI_MAX_ATTEMPTS
        body = json.dumps(statements, separators=(",", ":"))
        error = ""
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(settings.ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 2))
            try:
                response = self.session.post(self.url, data=body, timeout=settings.ANALYTICS_XAPI_TIMEOUT)
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]
                status = None
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return
                error = _describe(response)
                if status in _CONFIGURATION_STATUSES:
                    raise LrsMisconfigured(error, status=status)
                if 400 <= status < 500 and status != 429:
                    raise LrsRefused(error, status=status)
            log.warning(
                "LRS attempt %s/%s failed: %s",
                attempt,
                attempts,
                error,
                extra={"xapi_statements": len(statements)},
            )
        raise LrsUnavailable(f"after {attempts} attempt(s): {error}", status=status)
