"""/metrics: refused without the scraper's credential, and a scrape with it parses as
Prometheus' text format with request, job-queue and sandbox metrics."""

import base64

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Task
from prometheus_client.parser import text_string_to_metric_families

from learning.accounts.tests.helpers import assert_error
from site_config.jobs import HEARTBEAT_NAME, heartbeat

pytestmark = pytest.mark.django_db

TOKEN = "scraper-token-" + "x" * 40


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    return settings


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain; version=")
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def samples(families, metric, **labels) -> list[float]:
    family = families[metric]
    return [s.value for s in family.samples if all(s.labels.get(k) == v for k, v in labels.items())]


def test_metrics_are_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert_error(client.get("/metrics"), 404)
    assert_error(client.get("/metrics", HTTP_AUTHORIZATION="Bearer "), 404)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        "Basic " + base64.b64encode(b"prometheus:wrong").decode(),
        "Basic not-base64!",
        f"Token {TOKEN}",
    ],
    ids=["none", "wrong-bearer", "longer-bearer", "wrong-basic", "bad-basic", "other-scheme"],
)
def test_metrics_refuse_without_the_credential(client, metrics_on, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert_error(response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"django_http" not in response.content


def test_a_users_jwt_is_not_the_scrapers_credential(metrics_on, auth_client, admin_user):
    assert_error(auth_client(admin_user).get("/metrics"), 401)


def test_a_scrape_has_request_and_job_queue_metrics(client, metrics_on, django_assert_max_num_queries):
    cluster = metrics_on.Q_CLUSTER["name"]
    broker = get_broker(list_key=cluster)
    broker.purge_queue()
    heartbeat()
    for n in range(3):
        broker.enqueue(f"queued-job-{n}")
    now = timezone.now()
    for n in range(2):
        Task.objects.create(
            id=f"failed{n}",
            name=f"failed-{n}",
            func="math.floor",
            started=now,
            stopped=now,
            success=False,
            cluster=cluster,
        )
    client.get("/health/live")  # a request to count
    try:
        with django_assert_max_num_queries(4):  # queue, failures, heartbeats: whatever is queued
            families = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    finally:
        broker.purge_queue()
    assert samples(families, "mrict_jobs_queued", cluster=cluster) == [3]
    assert samples(families, "mrict_jobs_failed", cluster=cluster) == [2]
    (age,) = samples(families, "mrict_jobs_heartbeat_age_seconds", name=HEARTBEAT_NAME)
    assert 0 <= age < 60
    requests_by_view = samples(
        families, "django_http_requests_total_by_view_transport_method", view="health-live", method="GET"
    )
    assert requests_by_view and requests_by_view[0] >= 1
    assert "django_http_requests_latency_seconds_by_view_method" in families


def test_basic_auth_with_the_token_as_password_works_too(client, metrics_on):
    credential = base64.b64encode(f"prometheus:{TOKEN}".encode()).decode()
    families = scrape(client, HTTP_AUTHORIZATION=f"Basic {credential}")
    assert "mrict_jobs_queued" in families


def test_a_scrape_has_the_sandbox_pool_runs_and_timeouts(client, metrics_on, auth_client, student):
    metrics_on.SANDBOX_URL = ""
    metrics_on.SANDBOX_WALL_TIME_MS = 600
    learner = auth_client(student)
    url = "/api/v1/code/run/"
    ok = learner.post(url, {"language": "javascript", "source": "console.log(1)"}, format="json")
    assert ok.status_code == 200, ok.content[:300]
    before = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    (runs,) = samples(before, "mrict_sandbox_runs", engine="v8", source="process")
    (timeouts,) = samples(before, "mrict_sandbox_timeouts", engine="v8", source="process")
    assert runs >= 1
    assert samples(before, "mrict_sandbox_pool_size", engine="v8", source="process") == [
        metrics_on.SANDBOX_POOL_SIZE
    ]
    assert samples(before, "mrict_sandbox_pool_busy", engine="v8", source="process") == [0]

    hung = learner.post(url, {"language": "javascript", "source": "while (true) {}"}, format="json")
    assert hung.status_code == 200 and hung.json()["status"] == "timeout", hung.content[:300]
    after = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    # the runaway is either stopped by its worker (a run) or its worker is killed (a timeout)
    (runs_after,) = samples(after, "mrict_sandbox_runs", engine="v8", source="process")
    (timeouts_after,) = samples(after, "mrict_sandbox_timeouts", engine="v8", source="process")
    assert runs_after + timeouts_after == runs + timeouts + 1
