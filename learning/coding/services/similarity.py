"""Plagiarism checks between learners' submissions to one challenge (docs/similarity.md).

- At submission time (`submission_duplicate_find`, called by challenge_submit): the
  hash of the normalised tokens; an earlier submission of another learner with the
  same hash is an exact duplicate (names, literals, whitespace, comments and file
  order do not change it). A submission equal to the starter code or the reference
  solution is never flagged.
- In the background (`similarity_scan_request` -> the django-q2 job
  `learning.coding.tasks.similarity_scan` -> `similarity_scan_run`): winnowing
  fingerprints of every learner's newest submission (similarity.py), the starter's
  and the reference's removed, pairs at or above SIMILARITY_THRESHOLD stored with the
  matching line ranges of both sides; the scan's state is kept for teachers to poll.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .. import similarity
from .runs import ENTRY_FILE, code_files


def _pairs(files) -> list[tuple[str, str]]:
    return [(f["name"], f["content"]) if isinstance(f, dict) else (f.name, f.content) for f in files]


def challenge_base_files(challenge) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The starter code's and the reference solution's files (excluded from matching)."""
    starter = code_files(language=challenge.language, text=challenge.starter_source or "", name=ENTRY_FILE)
    reference = code_files(
        language=challenge.language, text=challenge.reference_solution or "", name=ENTRY_FILE
    )
    return _pairs(starter), _pairs(reference)


def submission_token_hash(files) -> str:
    return similarity.token_hash(_pairs(files))


def submission_duplicate_find(*, challenge, user, token_hash: str):
    """The earliest submission of another learner to `challenge` with this token hash,
    unless the hash is the starter's or the reference's (or there is no code)."""
    from ..models import Submission

    if not token_hash:
        return None
    starter, reference = challenge_base_files(challenge)
    if token_hash in (similarity.token_hash(starter), similarity.token_hash(reference)):
        return None
    return (
        Submission.objects.filter(challenge=challenge, token_hash=token_hash)
        .exclude(user=user)
        .order_by("created_at", "pk")
        .first()
    )


def _debounce_key(challenge_id: int) -> str:
    return f"coding:similarity-queued:{challenge_id}"


def similarity_scan_request(*, challenge_id: int, force: bool = False) -> bool:
    """Queue a scan of the challenge unless one is already queued (a burst of
    submissions costs one scan: the job clears the mark when it starts, so a
    submission that lands during a scan queues the next one). Returns whether a job
    was queued."""
    from site_config.jobs import enqueue

    from ..models import SimilarityScan

    if not cache.add(_debounce_key(challenge_id), 1, timeout=settings.SIMILARITY_QUEUE_TTL_S) and not force:
        return False
    now = timezone.now()
    scan, created = SimilarityScan.objects.get_or_create(
        challenge_id=challenge_id, defaults={"status": SimilarityScan.Status.QUEUED, "queued_at": now}
    )
    if not created and scan.status != SimilarityScan.Status.RUNNING:
        SimilarityScan.objects.filter(pk=scan.pk).update(status=SimilarityScan.Status.QUEUED, queued_at=now)
    transaction.on_commit(
        lambda: enqueue(
            "learning.coding.tasks.similarity_scan",
            challenge_id,
            queue="heavy",
            task_name=f"similarity:{challenge_id}",
        )
    )
    return True


def _newest_per_learner(challenge, limit: int) -> list:
    """Each learner's newest submission (the one they stand by), newest learners first,
    at most `limit`."""
    from ..models import Submission

    rows = (
        Submission.objects.filter(challenge=challenge)
        .order_by("-created_at", "-pk")
        .only("pk", "user", "files", "created_at")
    )
    seen: set[int] = set()
    newest = []
    for row in rows.iterator(chunk_size=500):
        if row.user_id in seen:
            continue
        seen.add(row.user_id)
        newest.append(row)
        if len(newest) >= limit:
            break
    return newest


def similarity_scan_run(*, challenge_id: int) -> dict:
    """Compare every learner's newest submission to the challenge with every other's;
    replace the challenge's stored pairs with what is found now. Returns a summary."""
    from ..models import Challenge, SimilarityPair, SimilarityScan

    cache.delete(_debounce_key(challenge_id))
    challenge = Challenge.objects.filter(pk=challenge_id).first()
    if challenge is None:
        return {"status": "gone"}
    started = time.perf_counter()
    scan, _ = SimilarityScan.objects.get_or_create(challenge=challenge)
    SimilarityScan.objects.filter(pk=scan.pk).update(
        status=SimilarityScan.Status.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        found, compared = _scan(challenge)
    except Exception as exc:
        SimilarityScan.objects.filter(pk=scan.pk).update(
            status=SimilarityScan.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        raise
    with transaction.atomic():
        SimilarityPair.objects.filter(challenge=challenge).delete()
        SimilarityPair.objects.bulk_create(found, batch_size=500)
        duration = round((time.perf_counter() - started) * 1000, 3)
        SimilarityScan.objects.filter(pk=scan.pk).update(
            status=SimilarityScan.Status.DONE,
            finished_at=timezone.now(),
            submissions=compared,
            pairs=len(found),
            duration_ms=duration,
        )
    return {"status": "done", "submissions": compared, "pairs": len(found), "duration_ms": duration}


def _scan(challenge) -> tuple[list, int]:
    from ..models import SimilarityPair

    submissions = _newest_per_learner(challenge, settings.SIMILARITY_MAX_SUBMISSIONS)
    starter, reference = challenge_base_files(challenge)
    base = similarity.document(starter).fingerprints | similarity.document(reference).fingerprints
    base_hashes = {similarity.token_hash(starter), similarity.token_hash(reference)}
    docs = [similarity.document(_pairs(s.files)) for s in submissions]
    matches = similarity.similar_pairs(
        docs,
        base=base,
        threshold=settings.SIMILARITY_THRESHOLD,
        common_docs=settings.SIMILARITY_COMMON_DOCS,
        min_fingerprints=settings.SIMILARITY_MIN_FINGERPRINTS,
        owners=[s.user_id for s in submissions],
    )
    by_pair = {(m.a, m.b): m for m in matches}
    # exact duplicates (same normalised tokens), whatever their size
    by_hash: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        # from the files themselves (a row stored before token_hash existed has none)
        digest = similarity.document_hash(doc)
        if digest and digest not in base_hashes:
            by_hash.setdefault(digest, []).append(i)
    exact: set[tuple[int, int]] = set()
    for holders in by_hash.values():
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                exact.add((holders[x], holders[y]))
    found = []
    for i, j in set(by_pair) | exact:
        first, second = sorted((submissions[i], submissions[j]), key=lambda s: (s.created_at, s.pk))
        doc_first, doc_second = (docs[i], docs[j]) if first is submissions[i] else (docs[j], docs[i])
        match = by_pair.get((i, j))
        shared = set(match.shared) if match else (doc_first.fingerprints - base)
        found.append(
            SimilarityPair(
                challenge=challenge,
                course_id=challenge.course_id,
                first=first,
                second=second,
                first_user_id=first.user_id,
                second_user_id=second.user_id,
                first_at=first.created_at,
                second_at=second.created_at,
                score=1.0 if (i, j) in exact else match.score,
                exact=(i, j) in exact,
                first_ranges=similarity.matching_ranges(doc_first, shared),
                second_ranges=similarity.matching_ranges(doc_second, shared),
                newer_at=second.created_at,
            )
        )
    return found, len(submissions)


# --- the projects of a course (learning/projects, through its selectors) ----------------


def _project_debounce_key(course_id: int) -> str:
    return f"coding:similarity-projects-queued:{course_id}"


def similarity_scan_projects_request(*, course_id: int, force: bool = True) -> bool:
    """Queue the scan of a course's projects unless one is already queued: a teacher
    asks for it (`force`: the scan shows as queued whatever), or a learner saved a
    project of the course (`ProjectSaved`, handlers.py: a burst of saves costs one scan;
    the job clears the mark when it starts, so a save during a scan queues the next).
    Returns whether a job was queued."""
    from site_config.jobs import enqueue

    from ..models import SimilarityScan

    queue = cache.add(_project_debounce_key(course_id), 1, timeout=settings.SIMILARITY_QUEUE_TTL_S)
    if not queue and not force:
        return False
    now = timezone.now()
    scan, created = SimilarityScan.objects.get_or_create(
        course_id=course_id,
        challenge=None,
        defaults={"status": SimilarityScan.Status.QUEUED, "queued_at": now},
    )
    if not created and scan.status != SimilarityScan.Status.RUNNING:
        SimilarityScan.objects.filter(pk=scan.pk).update(status=SimilarityScan.Status.QUEUED, queued_at=now)
    if queue:
        transaction.on_commit(
            lambda: enqueue(
                "learning.coding.tasks.similarity_scan_projects",
                course_id,
                queue="heavy",
                task_name=f"similarity-projects:{course_id}",
            )
        )
    return queue


def similarity_scan_projects_run(*, course_id: int) -> dict:
    """Compare the projects of a course (started from its templates) with each other,
    the templates' files excluded like a challenge's starter code; replace the course's
    stored project pairs."""
    from learning.projects.selectors import project_text_files_of_course, templates_for_learners

    from ..models import SimilarityPair, SimilarityScan

    cache.delete(_project_debounce_key(course_id))
    started = time.perf_counter()
    scan, _ = SimilarityScan.objects.get_or_create(course_id=course_id, challenge=None)
    SimilarityScan.objects.filter(pk=scan.pk).update(
        status=SimilarityScan.Status.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        projects: dict[int, dict] = {}
        for row in project_text_files_of_course(course_id=course_id):
            project = projects.setdefault(
                row["project_id"], {"owner": row["owner_id"], "at": row["updated_at"], "files": []}
            )
            project["files"].append((row["path"], row["content"]))
        ids = list(projects)[: settings.SIMILARITY_MAX_SUBMISSIONS]
        base: set[int] = set()
        for template in templates_for_learners().filter(course_id=course_id).prefetch_related("files"):
            base |= similarity.document([(f.path, f.content) for f in template.files.all()]).fingerprints
        docs = [similarity.document(projects[i]["files"]) for i in ids]
        matches = similarity.similar_pairs(
            docs,
            base=base,
            threshold=settings.SIMILARITY_THRESHOLD,
            common_docs=settings.SIMILARITY_COMMON_DOCS,
            min_fingerprints=settings.SIMILARITY_MIN_FINGERPRINTS,
            owners=[projects[i]["owner"] for i in ids],
        )
        found = []
        for m in matches:
            a, b = sorted((m.a, m.b), key=lambda n: (projects[ids[n]]["at"], ids[n]))
            pa, pb = projects[ids[a]], projects[ids[b]]
            found.append(
                SimilarityPair(
                    challenge=None,
                    course_id=course_id,
                    first_project_id=ids[a],
                    second_project_id=ids[b],
                    first_user_id=pa["owner"],
                    second_user_id=pb["owner"],
                    first_at=pa["at"],
                    second_at=pb["at"],
                    score=m.score,
                    exact=False,
                    first_ranges=similarity.matching_ranges(docs[a], set(m.shared)),
                    second_ranges=similarity.matching_ranges(docs[b], set(m.shared)),
                    newer_at=pb["at"],
                )
            )
    except Exception as exc:
        SimilarityScan.objects.filter(pk=scan.pk).update(
            status=SimilarityScan.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        raise
    with transaction.atomic():
        SimilarityPair.objects.filter(course_id=course_id, challenge__isnull=True).delete()
        SimilarityPair.objects.bulk_create(found, batch_size=500)
        duration = round((time.perf_counter() - started) * 1000, 3)
        SimilarityScan.objects.filter(pk=scan.pk).update(
            status=SimilarityScan.Status.DONE,
            finished_at=timezone.now(),
            submissions=len(ids),
            pairs=len(found),
            duration_ms=duration,
        )
    return {"status": "done", "projects": len(ids), "pairs": len(found), "duration_ms": duration}
