"""Tests: fast hashing, jobs run synchronously, mails kept in memory."""

import os
import re

# Under pytest-xdist each test process gets its own Redis database (the tests empty the
# cache between tests): worker gwN uses the configured database minus N (mod 16). Set
# in the environment, before the settings read it, so that servers a test starts in a
# subprocess (qcluster, `make run`) share their worker's database. The test database
# gets its `_gwN` suffix from pytest-django. A subprocess inherits the adjusted URL and
# the marker, so it does not shift it again.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL") and not os.environ.get("MRICT_XDIST_REDIS"):
    _match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", os.environ["REDIS_URL"])
    if _match:
        _db = (int(_match.group(2) or 0) - int(_xdist_worker[2:])) % 16
        os.environ["REDIS_URL"] = f"{_match.group(1)}/{_db}"
        os.environ["MRICT_XDIST_REDIS"] = _xdist_worker

from .base import *  # noqa: E402, F403
from .base import Q_CLUSTER  # noqa: E402
from .env import env  # noqa: E402


def _fresh_signing_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
CORS_ALLOWED_ORIGINS = ["http://front.test"]
LOG_LEVEL = "WARNING"
# Hundreds of tests publish content: with no tutor index built in a test, its content
# events do not build one (the tutor tests build theirs, or turn this on).
TUTOR_INDEX_BUILD_IF_MISSING = False
# A run past SANDBOX_SLOW_RUN_MS is moved to SCHED_IDLE in production (runaway loops yield
# the CPU). Beside the other test process on two cores such a run gets no CPU at all and
# races the tests' short wall times (a memory bomb read `timeout`, not `memory_limit`).
# The downgrade itself is tested on its own pool (test_pool.py, serial).
SANDBOX_SLOW_RUN_MS = 0

# A file (not in-memory) SQLite test database, so that servers the tests start in a
# subprocess (qcluster, the browser test's web server) see the same data.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # TEST_DB_NAME lets several checkouts/runs on one machine use separate files.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default=str(BASE_DIR / ".test-db.sqlite3"))}  # noqa: F405
elif env("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME")}  # noqa: F405
LOGGING["root"]["level"] = LOG_LEVEL  # noqa: F405

# Examples per operation in tests/test_api_fuzz.py (schema fuzzing of every endpoint).
# The default keeps `make test` quick; raise it for a longer hunt (docs/security-input.md).
FUZZ_MAX_EXAMPLES = env.int("FUZZ_MAX_EXAMPLES", default=10)

# Open Badges: a fresh Ed25519 key per test process (tests that rotate keys set their own).
OPENBADGES_SIGNING_KEY = env("OPENBADGES_SIGNING_KEY", default="") or _fresh_signing_key()
# The second factor for the editor and Django admin is on everywhere else; the suite's
# many editor tests log in with force_login, so it is off here and the second-factor
# tests (learning/accounts/tests/test_second_factor.py) turn it on.
ADMIN_2FA_REQUIRED = False
# Readiness checks run in threads against a machine the whole suite shares: a loaded
# runner must not turn a slow "ok" into "timeout". The hung-dependency tests set the
# production default (site_config/tests/test_health.py).
HEALTH_CHECK_TIMEOUT = 3.0
# /metrics is on in tests, so the permission matrix shows it refusing every caller's JWT.
METRICS_TOKEN = "test-metrics-token-0123456789abcdefghijklmnopqrstuvwxyz"
