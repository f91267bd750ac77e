"""Production smoke test: the image's steps, on the host, with prod settings.

What the Docker image does, in its order: `collectstatic` (docker/Dockerfile, at build),
then docker/entrypoint.sh `web`: migrate, setup_schedules, gunicorn. Here the same
commands run under `site_config.settings.prod` with secrets from the environment, a
fresh database (a SQLite file, or a PostgreSQL database of its own when the suite runs
on PostgreSQL; Redis when REDIS_URL is set), media on the real S3-compatible server
(moto, site_config/tests/s3_server.py) and behind a proxy that says https
(TRUSTED_PROXIES=127.0.0.1). Then it asks the running server what a deployment needs.

No container builder runs here (the base image comes from a registry this machine
cannot reach: docs/operations.md), so this is the test of the image's entry steps.

To add a check: a row in ANSWERS (path, expected status).
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CDN = "https://cdn.example.test"
METRICS_TOKEN = secrets.token_urlsafe(48)
# What the running server answers, path -> status.
ANSWERS = [
    ("/metrics", 401),  # refused without METRICS_TOKEN
    ("/health/live", 200),
    ("/health/ready", 200),
    ("/api/v1/ping/", 200),
    ("/api/v1/auth/me/", 401),
    ("/api/schema/", 200),
    ("/admin/login/", 200),
    ("/static/no-such-file.css", 404),
    ("/api/v1/no-such-endpoint/", 404),
]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Database:
    """A fresh database for the smoke run: PostgreSQL when the suite runs on it, else a
    SQLite file. Dropped afterwards."""

    def __init__(self, tmp_path: Path):
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.admin_url = url
            self.name = f"prodsmoke_{os.getpid()}_{secrets.token_hex(3)}"
            self.url = urlunsplit(urlsplit(url)._replace(path=f"/{self.name}"))
        else:
            self.url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def __enter__(self):
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class ProdServer:
    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.process = None
        # Behind the proxy that terminated TLS (TRUSTED_PROXIES=127.0.0.1).
        self.http = requests.Session()
        self.http.headers["X-Forwarded-Proto"] = "https"

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        result = subprocess.run(
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result

    def start(self, deadline_s: float = 420) -> None:
        """docker/entrypoint.sh web: migrate, setup_schedules, exec gunicorn."""
        self.process = subprocess.Popen(
            ["sh", "docker/entrypoint.sh", "web"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"entrypoint exited with {self.process.returncode}:\n{self.log.read_text()[-4000:]}"
                )
            try:
                if self.http.get(f"{self.base}/health/live", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            time.sleep(0.5)
        pytest.fail(f"gunicorn did not answer within {deadline_s} s:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=30, allow_redirects=False, **kwargs)


@pytest.fixture(scope="module")
def prod(s3_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    bucket = s3_server.new_bucket()
    port = _free_port()
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "SENTRY_"))}
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "STORAGE_BACKEND", "DATABASE_URL", "STATIC_ROOT"):
        kept.pop(name, None)
    with _Database(tmp) as database:
        env = (
            kept
            | s3_server.env(bucket, MEDIA_PUBLIC_BASE_URL=CDN, MEDIA_SIGNED_URL_SECONDS="600")
            | {
                "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
                "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "TRUSTED_PROXIES": "127.0.0.1",
                "DATABASE_URL": database.url,
                "STATIC_ROOT": str(tmp / "static"),
                # No job worker in this test: readiness must not wait for one.
                "JOBS_REQUIRED": "false",
                "LOG_LEVEL": "WARNING",
                "BIND_HOST": "127.0.0.1",
                "PORT": str(port),
                "WEB_CONCURRENCY": "2",
                "WEB_THREADS": "2",
                "METRICS_TOKEN": METRICS_TOKEN,
                # Not a test of the checks' time limit (site_config/tests/test_health.py is):
                # three S3 requests to moto on a busy CI machine may take more than 0.5 s.
                "HEALTH_CHECK_TIMEOUT": "10",
            }
        )
        server = ProdServer(env, port, tmp / "gunicorn.log")
        server.bucket = bucket
        server.s3 = s3_server
        server.static_root = tmp / "static"
        # the image's build step (docker/Dockerfile)
        server.run(sys.executable, "manage.py", "collectstatic", "--no-input")
        try:
            server.start()
            yield server
        finally:
            server.stop()


@pytest.mark.parametrize(("path", "status"), ANSWERS)
def test_the_running_server_answers(prod, path, status):
    response = prod.get(path)
    assert response.status_code == status, f"{path}: {response.status_code} {response.text[:500]}"


def test_metrics_answer_the_scraper_with_the_token(prod):
    response = prod.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text[:500]
    assert "django_http_requests_total_by_method_total" in response.text
    assert prod.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_plain_http_is_redirected_to_https(prod):
    response = requests.get(f"{prod.base}/api/v1/ping/", timeout=30, allow_redirects=False)
    assert response.status_code == 301 and response.headers["Location"].startswith("https://")


def test_readiness_is_green_with_media_on_s3(prod):
    body = prod.get("/health/ready").json()
    assert body["status"] == "ok", body
    assert body["checks"]["storage"]["status"] == "ok", body["checks"]["storage"]
    assert body["checks"]["database"]["status"] == "ok"


def test_the_editor_loads_its_css_hashed_compressed_and_cached_for_a_year(prod):
    manifest = json.loads((prod.static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["wagtailadmin/css/core.css"]
    login = prod.get("/admin/login/")
    assert f"/static/{hashed}" in login.text  # the page links the hashed name
    css = prod.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    assert css.headers.get("Content-Encoding") == "gzip"
    assert css.content == (prod.static_root / hashed).read_bytes()  # requests un-gzips
    # the unhashed name is served too, but not cached forever
    plain = prod.get("/static/wagtailadmin/css/core.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]


def test_api_docs_load_their_assets(prod):
    page = prod.get("/api/docs/")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert assets, page.text[:1000]
    for asset in assets:
        assert prod.get(asset).status_code == 200, asset


def test_an_avatar_upload_goes_to_s3_and_comes_back_on_the_cdn_url(prod):
    from learning.accounts.tests.images import image_bytes

    script = (
        "from learning.accounts.models import User\n"
        "from learning.accounts.tokens import tokens_for_user\n"
        "user = User.objects.create_user(email='smoke@example.test', email_verified=True)\n"
        "print(tokens_for_user(user)['access'])\n"
    )
    token = prod.run(sys.executable, "manage.py", "shell", "--no-imports", "-c", script).stdout.strip()
    response = prod.http.put(
        f"{prod.base}/api/v1/auth/me/avatar/",
        files={"avatar": ("me.png", image_bytes((200, 200)), "image/png")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    url = response.json()["avatar_url"]
    assert url.startswith(f"{CDN}/public/avatars/") and url.endswith(".webp")
    # the CDN's origin is the bucket: the same key answers anonymously there
    key = url.removeprefix(f"{CDN}/")
    origin = requests.get(f"{prod.s3.endpoint}/{prod.bucket}/{key}", timeout=10)
    assert origin.status_code == 200 and origin.content[8:12] == b"WEBP"
