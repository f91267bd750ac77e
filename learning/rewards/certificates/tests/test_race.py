"""Racing completion jobs (the CourseCompleted event delivered twice, to two workers at
once, each with its own database connection) issue one certificate, one PDF, one event."""

import threading

import pytest
from django.db import connection

from learning.events import CertificateIssued
from learning.events.dispatch import run_job_handler
from learning.progress.models import CourseCompletion
from learning.rewards.certificates.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_completion_jobs_issue_one_certificate(course, student, events_seen, tmp_path):
    from django.utils import timezone

    completion = CourseCompletion.objects.create(user=student, course=course, completed_at=timezone.now())
    payload = {
        "user_id": student.pk,
        "course_id": course.pk,
        "completion_id": completion.pk,
        "completed_at": completion.completed_at.isoformat(),
    }
    rounds = 3 if connection.vendor == "postgresql" else 2
    for _ in range(rounds):
        Certificate.objects.all().delete()
        barrier = threading.Barrier(2)
        errors = []

        def job(barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                run_job_handler(
                    "learning.rewards.certificates.handlers.on_course_completed", "course_completed", payload
                )
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=job) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        [certificate] = Certificate.objects.filter(user=student, course=course)
        assert certificate.issue_status == "issued" and certificate.status == "valid"

    issued = [e for e in events_seen if isinstance(e, CertificateIssued)]
    assert len(issued) == rounds
    # One PDF per round on disk: each losing render deleted its file.
    files = list((tmp_path / "media" / "certificates").rglob("*.pdf"))
    assert len(files) == rounds, files
