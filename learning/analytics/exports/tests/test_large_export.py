"""An export for 10,000 learners completes through the job, reporting progress as it
goes, and downloads whole (data built with bulk_create; the job runs as the suite's
jobs do, synchronously once the request commits)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from .conftest import T0
from .helpers import EXPORTS, poll, table

pytestmark = pytest.mark.django_db

LEARNERS = 10_000


@pytest.fixture
def big_school(school, course_index, build_course):
    from learning.accounts.models import User
    from learning.progress.models import Enrollment

    course = build_course(title="Big course")
    User.objects.bulk_create(
        [
            User(
                email=f"learner{n:05d}@big.test",
                username=f"learner{n:05d}@big.test",
                password="!",
                display_name=f"Learner {n} ✓",
                organisation=school,
            )
            for n in range(LEARNERS)
        ],
        batch_size=1000,
    )
    users = User.objects.filter(email__endswith="@big.test").values_list("pk", flat=True)
    Enrollment.objects.bulk_create(
        [Enrollment(user_id=pk, course=course, enrolled_at=T0) for pk in users], batch_size=1000
    )
    return course


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_for_10000_learners_completes_via_the_job(
    format, big_school, school, org_admin, auth_client, django_capture_on_commit_callbacks
):
    client = auth_client(org_admin)
    body = {"kind": "learner_progress", "format": format, "scope": "organisation", "organisation": school.pk}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(EXPORTS, body, format="json")
    assert response.status_code == 202, response.content
    export_id = response.json()["id"]
    with CaptureQueriesContext(connection) as queries:
        for callback in queued:
            callback()  # the job
    progress_writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "rows_done" in q["sql"]
    ]
    assert len(progress_writes) >= 10  # progress as it goes, not only at the end

    state = poll(client, export_id)
    assert (state["status"], state["progress"]) == ("done", 100), state
    assert state["rows_done"] == state["rows_total"] == LEARNERS
    download = APIClient().get(state["download"]["url"])
    assert download.status_code == 200
    rows = table(download, format)
    assert len(rows) == LEARNERS + 1
    emails = sorted(row[1] for row in rows[1:])
    assert emails[0] == "learner00000@big.test" and emails[-1] == f"learner{LEARNERS - 1:05d}@big.test"
    assert len(set(emails)) == LEARNERS
    assert {row[3] for row in rows[1:]} == {"Çamlıca School"}
