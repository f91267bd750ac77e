"""/health/live and /health/ready. The readiness checks run in threads with their own
database connections, so the tests that write rows the checks must see are
transactional (the rows are committed)."""

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.config import Config
from django.utils import timezone

from site_config.jobs import HEARTBEAT_NAME, heartbeat
from site_config.models import WorkerHeartbeat
from site_config.settings.health import DEFAULT_HEALTH_CHECK_TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.django_db
def test_live_answers_without_io(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_every_check_with_latency(client, settings):
    heartbeat()
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    expected = {"database", "cache", "jobs", "storage", "tutor_index", "ffmpeg"}
    assert set(body["checks"]) == expected | ({"redis"} if settings.REDIS_URL else set())
    for name, check in body["checks"].items():
        assert check["status"] == ("error" if name == "tutor_index" else "ok")
        assert check["latency_ms"] >= 0


def test_ready_reports_ffmpeg(client):
    heartbeat()
    check = client.get("/health/ready").json()["checks"]["ffmpeg"]
    assert check["status"] == "ok" and check["required"] is False
    assert check["detail"].startswith("ffmpeg version")


def test_missing_ffmpeg_is_reported_but_not_required_by_default(client, settings):
    heartbeat()
    settings.FFPROBE_BIN = "/nonexistent/ffprobe"
    response = client.get("/health/ready")
    assert response.status_code == 200
    check = response.json()["checks"]["ffmpeg"]
    assert check["status"] == "error" and "ffprobe not found" in check["detail"]
    settings.RECORDING_FFMPEG_REQUIRED = True
    assert client.get("/health/ready").status_code == 503


def test_ready_reports_the_tutor_index_version_without_requiring_one(client):
    from tutor.models import IndexVersion

    heartbeat()
    response = client.get("/health/ready")
    assert response.status_code == 200
    tutor = response.json()["checks"]["tutor_index"]
    assert (tutor["status"], tutor["required"]) == ("error", False)
    assert "manage.py build_tutor_index" in tutor["detail"]

    IndexVersion.objects.create(version="v1", kind="full", embedding_model="m", chunk_count=3)
    IndexVersion.objects.create(
        version="v2", kind="full", embedding_model="m", chunk_count=17, is_active=True
    )
    tutor = client.get("/health/ready").json()["checks"]["tutor_index"]
    assert tutor["status"] == "ok"
    assert tutor["detail"].startswith("v2 (17 passages, built ") and tutor["detail"].endswith(" ago)")


def test_ready_is_503_without_a_worker_heartbeat(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    jobs = response.json()["checks"]["jobs"]
    assert jobs["status"] == "error"
    assert "qcluster" in jobs["detail"]


def test_ready_is_503_when_the_heartbeat_is_stale(client, settings):
    WorkerHeartbeat.objects.create(
        name=HEARTBEAT_NAME,
        seen_at=timezone.now() - dt.timedelta(seconds=settings.JOBS_HEARTBEAT_MAX_AGE + 5),
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"]["status"] == "error"


def test_jobs_check_can_be_made_optional(client, settings):
    settings.JOBS_REQUIRED = False
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["jobs"] == response.json()["checks"]["jobs"] | {
        "status": "error",
        "required": False,
    }


class _OpenAIModels(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = json.dumps({"object": "list", "data": [{"id": "tiny", "object": "model"}]}).encode()
        self.send_response(self.status if self.path.endswith("/models") else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def openai_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIModels)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_ready_checks_a_configured_llm_endpoint(client, settings, openai_server):
    heartbeat()
    settings.LLM_BASE_URL = f"http://127.0.0.1:{openai_server.server_port}/v1"
    settings.LLM_MODEL = "tiny"
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["llm"]["status"] == "ok"


def test_a_down_llm_endpoint_is_reported_but_not_required(client, settings):
    heartbeat()
    settings.LLM_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    response = client.get("/health/ready")
    assert response.status_code == 200
    llm = response.json()["checks"]["llm"]
    assert llm["status"] == "error"
    assert llm["required"] is False


def test_the_tutor_index_is_stale_when_content_changed_after_it_was_built(client, settings, build_course):
    from wagtail.models import PageLogEntry

    from tutor.models import IndexVersion

    heartbeat()
    build_course()  # published: log entries "wagtail.publish", now
    index = IndexVersion.objects.create(
        version="v7", kind="full", embedding_model="m", chunk_count=5, is_active=True
    )
    tutor = client.get("/health/ready").json()["checks"]["tutor_index"]
    assert tutor["status"] == "ok", tutor  # published before the index was built

    now = timezone.now()
    IndexVersion.objects.filter(pk=index.pk).update(created_at=now - dt.timedelta(hours=3))
    PageLogEntry.objects.filter(action="wagtail.publish").update(timestamp=now - dt.timedelta(minutes=5))
    tutor = client.get("/health/ready").json()["checks"]["tutor_index"]
    assert tutor["status"] == "ok", tutor  # changed 5 min ago: the reindex job has 15 min

    PageLogEntry.objects.filter(action="wagtail.publish").update(timestamp=now - dt.timedelta(hours=2))
    response = client.get("/health/ready")
    tutor = response.json()["checks"]["tutor_index"]
    assert response.status_code == 200  # never required
    assert (tutor["status"], tutor["required"]) == ("error", False)
    assert tutor["detail"].startswith("stale: v7 (5 passages, built 3 h ago); content changed 2 h ago")


# --- a hung dependency: a real TCP server that accepts connections and never answers ----


class HungServer:
    """Listens on 127.0.0.1 and accepts every connection. Silent, it reads nothing and
    answers nothing. Trickling, it starts an HTTP answer and then sends one more byte of a
    header every TRICKLE_EVERY seconds, for ever: each read gets a byte before a socket
    timeout, so only a deadline around the whole check stops a client waiting on it."""

    TRICKLE_EVERY = 0.1

    def __init__(self, *, trickle: bool = False):
        self.trickle = trickle
        self.closed = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)
            if self.trickle:
                threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket):
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self.closed.wait(self.TRICKLE_EVERY):
                conn.sendall(b"a")
        except OSError:
            return

    def close(self):
        self.closed.set()
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def _serve(trickle: bool):
    from site_config import health

    server = HungServer(trickle=trickle)
    yield server
    server.close()
    # the checks' threads end once their sockets close: let them, before the next test
    for thread in list(health._in_flight.values()):
        thread.join(timeout=30)


@pytest.fixture
def hung_server():
    yield from _serve(trickle=False)


@pytest.fixture
def trickling_server():
    yield from _serve(trickle=True)


@pytest.mark.serial  # a time limit: not on a runner loaded by parallel tests
def test_a_hung_llm_endpoint_times_out_without_holding_the_probe(client, settings, trickling_server):
    """The LLM endpoint keeps the check's request alive past every socket timeout: the
    probe still answers in time, and the next probe does not start a second copy."""
    heartbeat()
    settings.HEALTH_CHECK_TIMEOUT = DEFAULT_HEALTH_CHECK_TIMEOUT  # the production default
    settings.LLM_BASE_URL = f"http://127.0.0.1:{trickling_server.port}/v1"
    client.get("/health/live")  # the process's first request loads the URLconf: not timed here
    details = []
    for _ in range(2):  # the second probe finds the first one's check still running
        started = time.monotonic()
        response = client.get("/health/ready")
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, elapsed
        assert response.status_code == 200  # the LLM endpoint is never required
        llm = response.json()["checks"]["llm"]
        assert (llm["status"], llm["required"]) == ("timeout", False)
        assert response.json()["checks"]["database"]["status"] == "ok"
        details.append(llm["detail"])
    assert details == [
        f"no answer within {DEFAULT_HEALTH_CHECK_TIMEOUT:g} s",
        "the previous run of this check has not finished yet",
    ]
    assert len(trickling_server.accepted) == 1  # one check reached it, not two


@pytest.mark.serial  # a time limit: not on a runner loaded by parallel tests
def test_hung_redis_and_storage_time_out_and_fail_readiness(client, settings, hung_server):
    heartbeat()
    hung = f"127.0.0.1:{hung_server.port}"
    settings.HEALTH_CHECK_TIMEOUT = DEFAULT_HEALTH_CHECK_TIMEOUT
    settings.REDIS_URL = f"redis://{hung}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "mrict",
                "endpoint_url": f"http://{hung}",
                "region_name": "us-east-1",
                "access_key": "health",
                "secret_key": "health-secret",
                # no retries: once the server goes, the hung check's thread ends at once
                "client_config": Config(retries={"max_attempts": 1, "mode": "standard"}),
            },
        },
    }
    client.get("/health/live")  # the process's first request loads the URLconf: not timed here
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "error"
    for name in ("redis", "cache", "storage"):
        assert (checks[name]["status"], checks[name]["required"]) == ("timeout", True), checks[name]
        assert checks[name]["detail"] == f"no answer within {DEFAULT_HEALTH_CHECK_TIMEOUT:g} s"
    assert checks["database"]["status"] == "ok"
    # all three did reach it (Redis PING, the cache's client, the S3 upload; the hung
    # threads may still be connecting when the probe has answered)
    deadline = time.monotonic() + 10
    while len(hung_server.accepted) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(hung_server.accepted) >= 3
