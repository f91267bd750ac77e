"""The development signing key: long enough that PyJWT never warns, made once per checkout
in a git-ignored file, reused afterwards; SECRET_KEY from the environment still wins."""

import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from learning.accounts.tests.factories import DEFAULT_PASSWORD
from site_config.settings.env import local_secret

ROOT = Path(__file__).resolve().parents[2]
KEY_FILE = ROOT / ".dev-secret-key"

# Under the dev settings, with InsecureKeyLengthWarning as an error: issue an access token
# and verify it (PyJWT checks the key length on both), then report the key's length/hash.
PROBE = """
import hashlib, json, warnings
from jwt.warnings import InsecureKeyLengthWarning
warnings.simplefilter("error", InsecureKeyLengthWarning)
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import AccessToken
token = AccessToken.for_user(get_user_model()(pk=1))
assert AccessToken(str(token))["user_id"] in (1, "1")
key = settings.SECRET_KEY.encode()
print(json.dumps({"length": len(key), "sha256": hashlib.sha256(key).hexdigest()}))
"""


def _dev_settings_probe(**env_extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "SECRET_KEY_FILE"}}
    env.update(DJANGO_SETTINGS_MODULE="site_config.settings.dev", **env_extra)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_dev_settings_sign_tokens_with_a_long_key_from_the_ignored_file():
    """Fails on the old dev default (a 26-byte key: InsecureKeyLengthWarning)."""
    probe = _dev_settings_probe()
    assert probe["length"] >= 64
    key = KEY_FILE.read_text().strip()  # made by the probe if this checkout had none
    assert probe["sha256"] == hashlib.sha256(key.encode()).hexdigest()
    assert stat.S_IMODE(KEY_FILE.stat().st_mode) == 0o600
    # The next start reuses it (sessions and tokens survive a restart).
    assert _dev_settings_probe()["sha256"] == probe["sha256"]
    ignored = subprocess.run(["git", "check-ignore", "-q", str(KEY_FILE)], cwd=ROOT)
    assert ignored.returncode == 0, ".dev-secret-key is not git-ignored"
    assert ".dev-secret-key*" in (ROOT / ".dockerignore").read_text().splitlines()


def test_secret_key_from_the_environment_wins_in_dev():
    given = "from-the-environment-" + "x" * 50
    assert _dev_settings_probe(SECRET_KEY=given)["sha256"] == hashlib.sha256(given.encode()).hexdigest()


def test_local_secret_is_made_when_missing_and_reused_when_present(tmp_path):
    path = tmp_path / "key"
    first = local_secret(path)
    assert len(first.encode()) >= 64 and len(set(first)) > 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret(path) == first
    path.write_text("short\n")  # emptied or edited by hand: replaced by a new long key
    replaced = local_secret(path)
    assert replaced != first and len(replaced) >= 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key"]  # no temporary file left


def test_processes_starting_together_agree_on_one_key(tmp_path):
    """Web and worker start at once on a fresh checkout: every reader gets the one key
    that ends up in the file (20 rounds of 8 at once, to give the race its chances)."""
    for round_ in range(20):
        path = tmp_path / f"key-{round_}"
        keys, barrier = [], threading.Barrier(8)

        def start(path=path, keys=keys, barrier=barrier):
            barrier.wait()
            keys.append(local_secret(path))

        threads = [threading.Thread(target=start) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8 and set(keys) == {path.read_text().strip()}, round_


@pytest.mark.django_db
@pytest.mark.filterwarnings("error::jwt.warnings.InsecureKeyLengthWarning")
def test_the_test_settings_key_signs_api_tokens_without_warning(api_client, student):
    login = api_client.post(
        "/api/v1/auth/login/", {"email": student.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert login.status_code == 200, login.json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert api_client.get("/api/v1/auth/me/").status_code == 200
