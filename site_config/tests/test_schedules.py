"""setup_schedules: the one idempotent declaration of every recurring job."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from site_config.management.commands.setup_schedules import PREFIX, SCHEDULES

pytestmark = pytest.mark.django_db


def _rows() -> dict[str, tuple]:
    return {
        row.name: (row.func, row.args, row.schedule_type, row.minutes, row.cluster, row.repeats)
        for row in Schedule.objects.order_by("name")
    }


def _run() -> str:
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    return out.getvalue()


def test_running_it_twice_declares_every_schedule_once():
    first = _run()
    rows = _rows()
    assert set(rows) == {PREFIX + spec["name"] for spec in SCHEDULES}
    assert f"{len(SCHEDULES)} created" in first
    ids = dict(Schedule.objects.values_list("name", "pk"))

    second = _run()
    assert _rows() == rows
    assert dict(Schedule.objects.values_list("name", "pk")) == ids  # updated in place, not re-made
    assert f"0 created, 0 updated, {len(SCHEDULES)} unchanged, 0 removed" in second

    # each queue's heartbeat runs on that queue's cluster; light schedules have none
    assert rows["mrict:heartbeat-light"][1:] == ("'light'", Schedule.MINUTES, 1, None, -1)
    assert rows["mrict:heartbeat-heavy"][1:] == ("'heavy'", Schedule.MINUTES, 1, "heavy", -1)
    assert rows["mrict:maintenance-media-orphans"][4] == "heavy"
    assert rows["mrict:accounts-housekeeping"][0] == "learning.accounts.tasks.housekeeping"


def test_it_restores_its_own_rows_and_removes_what_it_no_longer_declares():
    _run()
    declared = _rows()
    Schedule.objects.filter(name="mrict:audit-purge").update(minutes=5, cluster="heavy", repeats=0)
    Schedule.objects.create(
        name="mrict:retired-job", func="math.floor", args="1.5", schedule_type=Schedule.DAILY
    )
    # rows the command made before it prefixed its names are its own too
    Schedule.objects.create(
        name="worker-heartbeat", func="site_config.jobs.heartbeat", schedule_type=Schedule.MINUTES
    )
    # a schedule made by hand in the admin is someone else's
    Schedule.objects.create(
        name="nightly-report", func="math.floor", args="2.5", schedule_type=Schedule.DAILY
    )

    out = _run()
    assert "updated schedule mrict:audit-purge" in out
    assert "removed schedule mrict:retired-job" in out and "removed schedule worker-heartbeat" in out
    rows = _rows()
    assert rows.pop("nightly-report")[0] == "math.floor"
    assert rows == declared
    assert "0 removed" in _run()


def test_every_declared_job_can_be_imported():
    from django.utils.module_loading import import_string

    for spec in SCHEDULES:
        assert callable(import_string(spec["func"])), spec["name"]
