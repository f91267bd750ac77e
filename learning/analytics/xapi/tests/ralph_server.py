"""A real Learning Record Store for the tests: Ralph (`ralph-malph`) with its
file-system backend, run by uvicorn as a subprocess on a free local port, with an auth
file of basic-auth credentials made by `ralph auth`. Ralph lives in its own virtualenv
(.venv-ralph, `make install-ralph`; RALPH_VENV overrides the path) because its pinned
dependencies clash with ours. It serves ralph_app.py: Ralph's API as shipped, its
file-system store set to append (see there why).

`stop()` / `start()` take it down and bring it back on the same port and data directory
(the "LRS was down" test); `statement(id)` reads one back through GET /xAPI/statements;
`stored_ids()` reads the backend's file: every statement the LRS stored, duplicates
included."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings

HERE = Path(__file__).resolve().parent
USERNAME = "mrict-forwarder"
PASSWORD = "lrs-test-password-0123456789"
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _venv() -> Path:
    return Path(os.environ.get("RALPH_VENV") or settings.BASE_DIR / ".venv-ralph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Ralph:
    home: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def xapi(self) -> str:
        return f"{self.url}/xAPI"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    def _env(self) -> dict:
        return os.environ | {
            "RALPH_APP_DIR": str(self.home / "app"),
            "RALPH_AUTH_FILE": str(self.home / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "RALPH_SENTRY_DSN": "",
        }

    def make_credentials(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [_venv() / "bin" / "ralph", "auth", "-u", USERNAME, "-p", PASSWORD, "-s", "all"]
            + ["-M", "mailto:forwarder@mrict.dev", "-w"],
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        log = open(self.home / "ralph.log", "ab")  # noqa: SIM115 (kept open for the server's life)
        self.process = subprocess.Popen(
            [_venv() / "bin" / "python", "-m", "uvicorn", "ralph_app:app", "--app-dir", str(HERE)]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited at start: {(self.home / 'ralph.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError("Ralph did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # --- reading and writing it as any xAPI client does ---

    def post(self, statements: list[dict]) -> requests.Response:
        return requests.post(
            f"{self.xapi}/statements",
            json=statements,
            auth=(USERNAME, PASSWORD),
            headers=XAPI_HEADERS,
            timeout=10,
        )

    def statement(self, statement_id: str) -> dict | None:
        response = requests.get(
            f"{self.xapi}/statements",
            params={"statementId": statement_id},
            auth=(USERNAME, PASSWORD),
            headers=XAPI_HEADERS,
            timeout=10,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        body = response.json()
        statements = body.get("statements", [body]) if isinstance(body, dict) else body
        return statements[0] if statements else None

    def stored_ids(self) -> list[str]:
        ids = []
        for path in self.data_dir.glob("*"):
            for line in path.read_text().splitlines():
                if line.strip():
                    ids.append(json.loads(line)["id"])
        return ids


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    venv = _venv()
    if not (venv / "bin" / "ralph").exists():
        pytest.fail(f"Ralph is not installed in {venv}: run `make install-ralph` (requirements-ralph.txt).")
    server = Ralph(home=tmp_path_factory.mktemp("ralph"), port=_free_port())
    server.make_credentials()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs(ralph, settings):
    """Forwarding switched on and pointed at Ralph (running, whatever the last test did)."""
    if not ralph.running:
        ralph.start()
    settings.ANALYTICS_XAPI_ENDPOINT = ralph.xapi
    settings.ANALYTICS_XAPI_USERNAME = USERNAME
    settings.ANALYTICS_XAPI_PASSWORD = PASSWORD
    settings.ANALYTICS_XAPI_SETTLE_SECONDS = 0
    settings.ANALYTICS_XAPI_MAX_ATTEMPTS = 2
    settings.ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS = 0.05
    settings.ANALYTICS_XAPI_TIMEOUT = 5.0
    return ralph
