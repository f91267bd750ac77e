"""Periodic maintenance (site_config/maintenance): each job removes exactly what is
expired or unreferenced, logs it, and removes nothing more when run again."""

import logging
import os
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from site_config.maintenance import tasks

pytestmark = pytest.mark.django_db


# --- sessions -------------------------------------------------------------------------


def _session(key: str, expires_in: timedelta) -> None:
    Session.objects.create(
        session_key=key,
        session_data=SessionStore().encode({"k": key}),
        expire_date=timezone.now() + expires_in,
    )


def test_expired_sessions_are_cleared(caplog):
    _session("expired1" * 4, -timedelta(seconds=1))
    _session("expired2" * 4, -timedelta(days=3))
    _session("current1" * 4, timedelta(minutes=5))
    with caplog.at_level(logging.INFO, logger="mrict.maintenance"):
        assert tasks.sessions_clear() == {"sessions": 2}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current1" * 4]
    assert any(r.getMessage() == "expired sessions cleared" and r.removed == 2 for r in caplog.records)
    assert tasks.sessions_clear() == {"sessions": 0}


# --- revisions ------------------------------------------------------------------------


def test_revisions_beyond_the_keep_count_are_pruned_but_never_live_latest_scheduled_or_in_workflow(
    course_index, admin_user, settings, caplog
):
    from wagtail.models import GroupApprovalTask, Revision, Workflow, WorkflowTask

    settings.REVISIONS_KEEP = 2
    page = course_index.specific
    earlier = set(Revision.page_revisions.filter(object_id=str(page.pk)).values_list("pk", flat=True))

    def save(title: str) -> Revision:
        page.title = title
        return page.save_revision(user=admin_user)

    live = save("v1")
    live.publish(user=admin_user)
    scheduled = save("v2")
    Revision.objects.filter(pk=scheduled.pk).update(approved_go_live_at=timezone.now() + timedelta(days=1))
    in_workflow = save("v3")
    workflow = Workflow.objects.create(name="Review for the test")
    WorkflowTask.objects.create(
        workflow=workflow, task=GroupApprovalTask.objects.create(name="Approve for the test"), sort_order=0
    )
    workflow.start(page, admin_user)
    plain = [save("v4"), save("v5")]
    newest = [save("v6"), save("v7")]
    page.refresh_from_db()
    assert page.live_revision_id == live.pk and page.latest_revision_id == newest[-1].pk
    others = set(Revision.objects.exclude(object_id=str(page.pk)).values_list("pk", flat=True))

    with caplog.at_level(logging.INFO, logger="mrict.maintenance"):
        result = tasks.revisions_prune()
    assert result == {"revisions": 2 + len(earlier), "spared": 3}
    remaining = set(Revision.page_revisions.filter(object_id=str(page.pk)).values_list("pk", flat=True))
    assert remaining == {live.pk, scheduled.pk, in_workflow.pk, *(r.pk for r in newest)}
    assert not Revision.objects.filter(pk__in=[*earlier, *(r.pk for r in plain)]).exists()
    assert others <= set(Revision.objects.values_list("pk", flat=True))  # other objects had few
    assert any(
        r.getMessage() == "old revisions pruned" and r.removed == result["revisions"] for r in caplog.records
    )

    assert tasks.revisions_prune() == {"revisions": 0, "spared": 3}


# --- media files nobody references ------------------------------------------------------


def _file(name: str, *, age: timedelta) -> str:
    saved = default_storage.save(name, ContentFile(b"data"))
    stamp = time.time() - age.total_seconds()
    os.utime(default_storage.path(saved), (stamp, stamp))
    return saved


def test_orphaned_media_files_older_than_the_grace_period_are_removed(
    build_course, student, settings, caplog
):
    from learning.recordings.models import Recording

    settings.MEDIA_ORPHAN_GRACE_HOURS = 24
    old, young = timedelta(days=2), timedelta(hours=1)
    course = build_course()
    avatar = _file("avatars/student.png", age=old)
    student.avatar.name = avatar
    student.save(update_fields=["avatar"])
    recording = Recording.objects.create(title="r", course=course, rendition_kind="hls")
    playlist = _file(f"recordings/{recording.pk}/rendition/hls-abc/index.m3u8", age=old)
    segment = _file(f"recordings/{recording.pk}/rendition/hls-abc/seg0.ts", age=old)
    Recording.objects.filter(pk=recording.pk).update(rendition=playlist)
    orphans = [
        _file("original_images/gone.png", age=old),
        _file(f"recordings/{recording.pk}/video/old.webm", age=old),
    ]
    too_young = _file("documents/just-uploaded.pdf", age=young)
    tutor = _file(f"{settings.TUTOR_INDEX_STORAGE_PREFIX}/v1/index.faiss", age=old)
    upload = _file("recording-uploads/1-abc.part", age=old)

    with caplog.at_level(logging.INFO, logger="mrict.maintenance"):
        result = tasks.media_orphans_remove()
    assert result == {"files": 2, "scanned": 6, "too_young": 1}
    for name in orphans:
        assert not default_storage.exists(name), name
    for name in (avatar, playlist, segment, too_young, tutor, upload):
        assert default_storage.exists(name), name
    (record,) = [r for r in caplog.records if r.getMessage() == "orphaned media files removed"]
    assert sorted(record.files) == sorted(orphans)

    assert tasks.media_orphans_remove()["files"] == 0


# --- old failed jobs ---------------------------------------------------------------------


def test_failed_jobs_past_retention_are_purged(settings):
    from django_q.models import Failure, Task

    settings.JOBS_FAILURE_RETENTION_DAYS = 30
    now = timezone.now()

    def task(name: str, *, age: timedelta, success: bool) -> Task:
        return Task.objects.create(
            id=name, name=name, func="math.floor", started=now - age, stopped=now - age, success=success
        )

    task("old-failure", age=timedelta(days=31), success=False)
    task("recent-failure", age=timedelta(days=29), success=False)
    task("old-success", age=timedelta(days=31), success=True)
    assert tasks.job_failures_purge() == {"failures": 1}
    assert set(Failure.objects.values_list("name", flat=True)) == {"recent-failure"}
    assert Task.objects.filter(name="old-success").exists()
    assert tasks.job_failures_purge() == {"failures": 0}
