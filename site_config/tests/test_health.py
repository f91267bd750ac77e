import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from site_config.jobs import HEARTBEAT_NAME, heartbeat
from site_config.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_live_answers_without_io(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_every_check_with_latency(client):
    heartbeat()
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "jobs", "storage", "tutor_index", "ffmpeg"}
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
    assert (tutor["status"], tutor["detail"]) == ("ok", "v2 (17 passages)")


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
