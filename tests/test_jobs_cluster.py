"""Real django-q2 clusters (`manage.py qcluster` for the light queue and
`Q_CLUSTER_NAME=heavy manage.py qcluster` for the heavy one, in subprocesses) against
the test database: their heartbeats make the readiness check green queue by queue, a
long heavy job does not delay a light one, and a failed job is listed in the Django
admin's Failed tasks and resubmitted from there to the queue it failed on."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_q.conf import Conf
from django_q.models import Failure, Success, Task

from site_config.jobs import HEAVY, enqueue
from site_config.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start(cluster_name: str | None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.dev",
        "DATABASE_URL": _database_url(),
        # the jobs are signed with the key of the process that queues them
        "SECRET_KEY": settings.SECRET_KEY,
        "Q_WORKERS": "1",
        "Q_HEAVY_WORKERS": "1",
    }
    env.pop("Q_CLUSTER_NAME", None)
    if cluster_name:
        env["Q_CLUSTER_NAME"] = cluster_name
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wait(condition, procs, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while not condition():
        for proc in procs:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.3)


@pytest.fixture
def clusters():
    procs = []
    try:
        procs = [_start(None), _start("heavy")]
        yield procs
    finally:
        for proc in procs:
            _stop(proc)


@pytest.fixture
def queued(monkeypatch):
    """Jobs of this test go to the broker (the suite runs them in process: sync)."""
    monkeypatch.setattr(Conf, "SYNC", False)


def test_two_clusters_at_work(client, clusters, queued, tmp_path):
    """One test, so the two clusters start once (a start takes a while on a busy machine)."""
    # 1. Readiness reports each queue: red until both workers beat.
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "light: no worker heartbeat" in response.json()["checks"]["jobs"]["detail"]
    _wait(
        lambda: WorkerHeartbeat.objects.filter(name__in=["light", "heavy"]).count() == 2,
        clusters,
        "heartbeats",
    )
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    jobs = response.json()["checks"]["jobs"]
    assert jobs["status"] == "ok"
    assert "light: heartbeat" in jobs["detail"] and "heavy: heartbeat" in jobs["detail"]

    # 2. A long heavy job does not delay a light one.
    heavy = enqueue("time.sleep", 8, queue=HEAVY, task_name="long-transcode")
    light = enqueue("math.sqrt", 16.0, task_name="password-reset-mail")
    _wait(lambda: Task.objects.filter(pk=light).exists(), clusters, "the light job done", seconds=60)
    assert Task.objects.get(pk=light).result == 4.0
    _wait(lambda: Task.objects.filter(pk=heavy).exists(), clusters, "the heavy job done", seconds=60)
    assert Task.objects.get(pk=heavy).cluster == "heavy"
    # by the clusters' own clocks (not the test's polling, which a busy machine delays)
    done = dict(Task.objects.filter(pk__in=[light, heavy]).values_list("pk", "stopped"))
    assert done[light] < done[heavy], "the light job waited for the heavy one"

    # 3. A failed job is listed in the admin and resubmitted from there to its queue.
    from learning.accounts.tests.factories import UserFactory

    target = tmp_path / "leftover.txt"
    # A real job that fails: the file it removes is not there yet.
    task_id = enqueue("os.remove", str(target), queue=HEAVY, task_name="remove-leftover")
    _wait(lambda: Failure.objects.filter(pk=task_id).exists(), clusters, "the failure recorded")
    failure = Failure.objects.get(pk=task_id)
    assert "No such file" in failure.result and failure.cluster == "heavy"

    client.force_login(UserFactory(email="root@example.test", role="admin", is_staff=True, is_superuser=True))
    listing = client.get("/django-admin/django_q/failure/")
    assert listing.status_code == 200
    assert "remove-leftover" in listing.content.decode()

    target.write_text("x")  # what the job needed
    response = client.post(
        "/django-admin/django_q/failure/", {"action": "resubmit_task", "_selected_action": [task_id]}
    )
    assert response.status_code == 302
    assert not Failure.objects.filter(pk=task_id).exists()
    _wait(lambda: Success.objects.filter(func="os.remove").exists(), clusters, "the resubmitted job done")
    assert Success.objects.get(func="os.remove").cluster == "heavy"
    assert not target.exists()


def test_the_failed_jobs_admin_is_closed_to_learners(client, student):
    client.force_login(student)
    response = client.get("/django-admin/django_q/failure/")
    assert response.status_code == 302 and "/login/" in response["Location"]
