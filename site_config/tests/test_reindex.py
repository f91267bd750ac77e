"""`reindex_all` (site_config/reindex.py): every derived store rebuilt, with a line of
counts per step, the hook list for other stores, and the heavy-queue job."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_q.models import Success

from cms.content_cache import store
from cms.models import CoursePage

pytestmark = pytest.mark.django_db

HOOK = "site_config.tests.test_reindex.rollups_rebuild"
calls: list[str] = []


def rollups_rebuild(progress) -> int:
    """A store of another app joining through REINDEX_EXTRA_STEPS (analytics rollups,
    say): it reports its progress and returns its count."""
    days = ["2026-11-29", "2026-11-30", "2026-12-01"]
    for done, day in enumerate(days, start=1):
        calls.append(day)
        progress(done, len(days))
    return len(days)


@pytest.fixture
def steps(settings):
    settings.REINDEX_STEPS = [*settings.REINDEX_STEPS, HOOK]
    calls.clear()
    return settings.REINDEX_STEPS


def test_reindex_all_rebuilds_every_store_and_reports_each_step(build_course, steps, settings):
    from wagtail.search.models import IndexEntry

    from tutor.models import IndexVersion

    settings.TUTOR_CHUNK_WORDS = 120
    course = build_course(modules=2, lessons_per_module=2, title="Reindexable HTML")
    IndexEntry.objects.all().delete()  # a lost search index
    assert not CoursePage.objects.live().search("Reindexable")
    token_before = store.versions([store.course_scope(course.pk)])

    out = StringIO()
    call_command("reindex_all", stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0] == "[1/5] search index"
    assert "[2/5] content cache" in lines and "[3/5] tutor index" in lines
    assert "[4/5] analytics rollups" in lines and f"[5/5] {HOOK}" in lines
    assert "[5/5] [##########] 3/3" in lines and "[5/5] [###.......] 1/3" in lines
    assert lines[-1] == "Reindexed 5 store(s)."
    # the search index
    assert [c.pk for c in CoursePage.objects.live().search("Reindexable")] == [course.pk]
    # the content cache: the course's entries retired, the course rendered again (the
    # course, its outline and its 4 lessons, and the catalog if it was served)
    assert store.versions([store.course_scope(course.pk)]) != token_before
    (cache_line,) = [line for line in lines if line.startswith("  content cache:")]
    assert int(cache_line.split(":")[1].split()[0]) >= 5
    # the tutor index: a full version from the published content, active
    active = IndexVersion.objects.get(is_active=True)
    assert active.kind == IndexVersion.Kind.FULL and active.chunk_count > 0
    assert f"  tutor index: {active.chunk_count} in" in out.getvalue()
    # the analytics rollups: rebuilt from the raw events (none here: no rows)
    assert "  analytics rollups: 0 in" in out.getvalue()
    # the hook
    assert calls == ["2026-11-29", "2026-11-30", "2026-12-01"]

    # again, while the first versions serve: a new tutor version swaps in, the rest is the same
    out = StringIO()
    call_command("reindex_all", "--step", "tutor.reindex.rebuild", stdout=out)
    assert IndexVersion.objects.get(is_active=True).pk != active.pk
    assert IndexVersion.objects.filter(pk=active.pk).exists()  # kept (TUTOR_INDEX_KEEP_VERSIONS)
    assert "[1/1] tutor index" in out.getvalue()


def test_reindex_all_queues_a_heavy_job(steps):
    out = StringIO()
    call_command("reindex_all", "--queue", "--step", HOOK, stdout=out)
    assert "reindex queued on the heavy queue" in out.getvalue()
    job = Success.objects.get(func="site_config.maintenance.tasks.reindex_all")  # sync in tests
    assert job.cluster == "heavy"
    assert job.result[0]["step"] == HOOK and job.result[0]["count"] == 3


def test_an_unknown_step_is_refused(steps):
    with pytest.raises(CommandError, match="not a reindex step: os.remove"):
        call_command("reindex_all", "--step", "os.remove", stdout=StringIO())
    assert calls == []
