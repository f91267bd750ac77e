"""Assessments: the item analysis job for 10,000 attempts x 50 questions (target < 10 s).

Generated data on the bench database: a quiz of 50 single-choice questions (4 options,
1 to 3 points) under the demo course's first module, and 10,000 submitted attempts by
10,000 generated learners whose answers follow an ability/difficulty model (so the
statistics are not degenerate), written in bulk once (about a minute; kept for later
runs). The row times the job's body (`item_analysis_compute`: load the responses, build
the matrix, compute, store the JSON) in this process against PostgreSQL, as a qcluster
worker runs it. Three runs.
"""

from __future__ import annotations

import time

from scenarios import Context, Scenario

ATTEMPTS = 10_000
QUESTIONS = 50
QUIZ_SLUG = "bench-item-analysis"


def _quiz(ctx: Context):
    """The bench quiz with its attempts, made once."""
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from cms.models import CoursePage, ModulePage
    from cms.services import page_publish
    from learning.assessments.models import Attempt, QuizPage, Response
    from learning.assessments.services import question_create, quiz_create

    existing = QuizPage.objects.filter(slug=QUIZ_SLUG).first()
    if existing is not None and Attempt.objects.filter(quiz=existing).count() == ATTEMPTS:
        return existing
    User = get_user_model()
    teacher = User.objects.get(email="teacher@mrict.local")
    admin = User.objects.get(email="admin@mrict.local")
    course = CoursePage.objects.live().order_by("path").first()
    module = ModulePage.objects.child_of(course).order_by("path").first()
    started = time.perf_counter()
    print(f"[bench]   generating {ATTEMPTS:,} attempts x {QUESTIONS} questions (once)", flush=True)
    rng = np.random.default_rng(15)
    with transaction.atomic():
        if existing is not None:
            existing.delete()
        questions = [
            question_create(
                user=teacher,
                course=course,
                data={
                    "title": f"Bench question {n + 1}",
                    "question_type": "single",
                    "stem": f"<p>Bench question {n + 1}</p>",
                    "points": float(1 + n % 3),
                    "options": [{"text": f"Option {k}", "correct": k == 0} for k in range(4)],
                },
            )
            for n in range(QUESTIONS)
        ]
        quiz = quiz_create(
            user=teacher,
            module=module,
            title="Bench: item analysis",
            slug=QUIZ_SLUG,
            slots=[{"question": q} for q in questions],
        )
        page_publish(user=admin, page=quiz)
        versions = [q.current_version for q in questions]
        emails = [f"bench-analysis-{n}@mrict.local" for n in range(ATTEMPTS)]
        have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [User(email=e, username=e, email_verified=True) for e in emails if e not in have], batch_size=2000
        )
        users = list(User.objects.filter(email__in=emails).order_by("pk").values_list("pk", flat=True))
        Group.objects.get_or_create(name="student")[0].user_set.add(*users)
        now = timezone.now()
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    user_id=u,
                    quiz=quiz,
                    course=course,
                    number=1,
                    state=Attempt.State.SUBMITTED,
                    started_at=now,
                    submitted_at=now,
                    max_score=sum(v.points for v in versions),
                )
                for u in users
            ],
            batch_size=2000,
        )
        ability = rng.normal(size=(ATTEMPTS, 1))
        difficulty = rng.normal(size=QUESTIONS)
        right = rng.random((ATTEMPTS, QUESTIONS)) < 1 / (1 + np.exp(-(1.3 * ability - difficulty)))
        wrong_pick = rng.integers(1, 4, size=(ATTEMPTS, QUESTIONS))
        keys = [[o["key"] for o in v.content["options"]] for v in versions]
        batch = []
        for i, attempt in enumerate(attempts):
            for j, (question, version) in enumerate(zip(questions, versions, strict=True)):
                key = keys[j][0] if right[i, j] else keys[j][wrong_pick[i, j]]
                batch.append(
                    Response(
                        attempt_id=attempt.pk,
                        position=j + 1,
                        question=question,
                        version=version,
                        option_order=keys[j],
                        answer=key,
                        chosen_options=[key],
                        score_fraction=1.0 if right[i, j] else 0.0,
                        points_awarded=version.points if right[i, j] else 0.0,
                        max_points=version.points,
                    )
                )
            if len(batch) >= 20_000:
                Response.objects.bulk_create(batch)
                batch = []
        Response.objects.bulk_create(batch)
    print(f"[bench]   generated in {time.perf_counter() - started:.0f} s", flush=True)
    return quiz


def item_analysis_job(ctx: Context, duration: int) -> dict:
    from django.utils import timezone

    from learning.assessments.analysis.models import ItemAnalysisReport
    from learning.assessments.analysis.services import item_analysis_compute

    quiz = _quiz(ctx)
    report, _ = ItemAnalysisReport.objects.get_or_create(
        quiz=quiz, basis="first", defaults={"requested_at": timezone.now()}
    )
    times = []
    for _ in range(3):
        t = time.perf_counter()
        done = item_analysis_compute(report_id=report.pk)
        times.append(time.perf_counter() - t)
        if done.status != "done":
            raise SystemExit(f"item analysis failed: {done.error}")
    times.sort()
    p50 = times[1]
    return {
        "requests": len(times),
        "seconds": round(sum(times), 3),
        "rps": len(times) / sum(times),
        "p50_ms": p50 * 1000,
        "p95_ms": times[-1] * 1000,
        "p99_ms": times[-1] * 1000,
        "errors": 0,
        "non2xx": 0,
        "note": (
            f"item analysis job, {done.attempt_count:,} attempts x "
            f"{len(done.result['questions'])} questions: p50 {p50:.2f} s, "
            f"max {times[-1]:.2f} s (target < 10 s)"
        ),
    }


SCENARIOS = [
    Scenario(
        "assessments: item analysis job (10,000 attempts x 50 questions)",
        "/api/v1/ping/",
        runner=item_analysis_job,
        tags=("assessments",),
    ),
]
