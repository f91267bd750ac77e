"""The light and heavy job queues (site_config/jobs.py, settings/jobs.py): each a
django-q2 cluster with timeout < retry, the heavy jobs routed to the heavy cluster;
the real clusters at work: tests/test_jobs_cluster.py."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django_q.models import Task

from site_config.jobs import HEAVY, LIGHT, UnknownQueue, enqueue, queue_conf

ROOT = Path(__file__).resolve().parents[2]


def test_every_queue_has_a_timeout_below_its_retry():
    assert set(settings.JOB_QUEUES) == {LIGHT, HEAVY}
    for queue in settings.JOB_QUEUES:
        conf = queue_conf(queue)
        assert 0 < conf["timeout"] < conf["retry"], (queue, conf)
    assert queue_conf(HEAVY)["timeout"] > queue_conf(LIGHT)["timeout"]
    assert queue_conf(HEAVY)["workers"] >= 1


@pytest.mark.parametrize(
    "env",
    [{"Q_TIMEOUT": "400", "Q_RETRY": "300"}, {"Q_HEAVY_TIMEOUT": "900", "Q_HEAVY_RETRY": "900"}],
)
def test_settings_refuse_a_retry_not_above_the_timeout(env):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "site_config.settings.dev",
            "SECRET_KEY": settings.SECRET_KEY,  # (dev would make a key file otherwise)
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "must be positive and below retry" in result.stderr


@pytest.mark.django_db
def test_enqueue_puts_a_job_on_its_queues_cluster():
    # Jobs run synchronously in tests (Q_CLUSTER sync); the row records the cluster.
    heavy = enqueue("math.sqrt", 16.0, queue=HEAVY, task_name="heavy-sqrt")
    light = enqueue("math.sqrt", 9.0, task_name="light-sqrt")
    assert Task.objects.get(pk=heavy).cluster == "heavy"
    assert Task.objects.get(pk=heavy).result == 4.0
    assert Task.objects.get(pk=light).cluster in (None, settings.Q_CLUSTER["name"])
    with pytest.raises(UnknownQueue):
        enqueue("math.sqrt", 1.0, queue="nope")


def test_heavy_jobs_go_through_the_heavy_queue():
    """Every call site of a heavy job names the heavy queue (a source check: these
    jobs are queued from deep inside their use cases)."""
    sites = {
        "learning/recordings/services.py": ["learning.recordings.tasks.recording_process"],
        "learning/rewards/certificates/services.py": [
            "learning.rewards.certificates.tasks.certificate_render_job"
        ],
        "learning/assessments/analysis/services.py": [
            "learning.assessments.analysis.tasks.item_analysis_run"
        ],
        "learning/coding/services/similarity.py": [
            "learning.coding.tasks.similarity_scan",
            "learning.coding.tasks.similarity_scan_projects",
        ],
        "learning/analytics/exports/services.py": ["learning.analytics.exports.tasks.report_export_run"],
    }
    for path, funcs in sites.items():
        text = (ROOT / path).read_text()
        assert "async_task(" not in text, f"{path} queues a job around site_config.jobs.enqueue"
        for func in funcs:
            calls = re.findall(rf'enqueue\(\s*"{re.escape(func)}",[^)]*\)', text)
            assert calls and all('queue="heavy"' in call for call in calls), (path, func)
    from learning.events import ContentPublished, bus

    (tutor,) = [s for s in bus.subscriptions(ContentPublished) if s.dotted.startswith("tutor.")]
    assert (tutor.job, tutor.queue) == (True, HEAVY)
