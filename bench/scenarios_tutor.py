"""The tutor's index and retrieval (docs/tutor.md), timed in the runner process against
the bench database and storage: rows that are not wrk runs.

- the index build of the demo course (every passage embedded again, three runs);
- the build of a synthetic curriculum of BENCH_TUTOR_CHUNKS passages (10,000 by
  default: 20 courses x 10 modules x 10 lessons x 5 sections of about 45 words);
- retrieve(k=5) over that index, the query embedding included: every query is new (the
  LRU cache never answers), the repeated-query time is in the note. Target: p95 <= 20 ms.

The demo index is active again afterwards."""

from __future__ import annotations

import os
import random
import time

from scenarios import Context, Scenario
from scenarios_content import _row

CHUNKS = int(os.environ.get("BENCH_TUTOR_CHUNKS", 10_000))
_VOCABULARY = (
    "array function variable loop string object class method network packet router server client "
    "request response header cookie session cache database table query index join row column key "
    "value pointer memory stack queue tree graph node edge sort search binary hash file folder path "
    "permission user group password token encryption certificate browser layout grid flexbox margin "
    "padding border colour font image video audio stream protocol address subnet gateway firewall "
    "spreadsheet formula chart cell range filter pivot macro script terminal command shell pipe "
    "process thread scheduler kernel driver device sensor signal circuit voltage resistor transistor "
    "algorithm complexity recursion iteration condition boolean integer float decimal character "
    "unicode encoding compression backup restore version branch merge commit repository deploy "
    "container image build test debug error exception log monitor alert metric dashboard report"
)
WORDS = _VOCABULARY.split(" ")


def synthetic_curriculum(chunks: int, seed: int = 13) -> dict:
    rng = random.Random(seed)
    per_lesson, per_module, per_course = 5, 10, 10
    lessons_needed = -(-chunks // per_lesson)
    courses, made, next_id = [], 0, 900_000

    def new_id():
        nonlocal next_id
        next_id += 1
        return next_id

    while made < lessons_needed * per_lesson:
        course = {"id": new_id(), "title": f"Synthetic course {len(courses) + 1}", "modules": []}
        for _m in range(per_course):
            module = {"id": new_id(), "title": " ".join(rng.sample(WORDS, 3)), "lessons": []}
            for _n in range(per_module):
                if made >= chunks:
                    break
                sections = []
                for s in range(min(per_lesson, chunks - made)):
                    sections.append(
                        {
                            "anchor": f"s{s}",
                            "title": " ".join(rng.sample(WORDS, 3)),
                            "text": ". ".join(" ".join(rng.choices(WORDS, k=9)) for _ in range(5)) + ".",
                        }
                    )
                    made += 1
                module["lessons"].append(
                    {"id": new_id(), "title": " ".join(rng.sample(WORDS, 4)), "sections": sections}
                )
            if module["lessons"]:
                course["modules"].append(module)
        courses.append(course)
    return {"format": "mrict-curriculum", "version": 1, "courses": courses}


def _one_build(document: dict, kind: str):
    from tutor.indexing import index_build

    started = time.perf_counter()
    row = index_build(document=document, kind=kind, reuse=False)
    return row, (time.perf_counter() - started) * 1000


def build_demo(ctx: Context, duration: int) -> dict:
    from tutor.curriculum.export import curriculum_export
    from tutor.embedding import document_embedder

    document_embedder()  # the model load is not part of a build
    times, row = [], None
    for _ in range(3):
        document = curriculum_export(include_private=False)
        row, ms = _one_build(document, "full")
        times.append(ms)
    result = _row(times, sum(times) / 1000, errors=0, note="")
    result["note"] = (
        f"index build, demo course: {row.chunk_count} passages embedded and written, "
        f"p50 {result['p50_ms']:.0f} ms per build (3 builds, export included)"
    )
    ctx.data["tutor_demo_version"] = row.version
    return result


def _build_synthetic(ctx: Context) -> tuple[object, float]:
    from tutor.embedding import document_embedder, torch_threads

    document_embedder()
    torch_threads(os.cpu_count() or 1)  # a build uses every core
    try:
        row, ms = _one_build(synthetic_curriculum(CHUNKS), "file")
    finally:
        torch_threads()
    ctx.data["tutor_synthetic_version"] = row.version
    return row, ms


def build_synthetic(ctx: Context, duration: int) -> dict:
    row, ms = _build_synthetic(ctx)
    result = _row([ms], ms / 1000, errors=0, note="")
    result["note"] = (
        f"index build, synthetic curriculum: {row.chunk_count} passages in {ms / 1000:.1f} s "
        f"({row.chunk_count / (ms / 1000):.0f} passages/s, {os.cpu_count()} cores)"
    )
    return result


def retrieve_synthetic(ctx: Context, duration: int) -> dict:
    from tutor import retrieval
    from tutor.indexing import index_activate
    from tutor.models import IndexVersion

    before = IndexVersion.objects.filter(is_active=True).first()
    if "tutor_synthetic_version" not in ctx.data:
        _build_synthetic(ctx)
    synthetic = IndexVersion.objects.get(version=ctx.data["tutor_synthetic_version"])
    if not synthetic.is_active:
        index_activate(synthetic)
    try:
        index = retrieval.loaded_index()
        assert len(index) == synthetic.chunk_count
        rng = random.Random(7)
        retrieval.retrieve("warm up the model", k=5)
        questions = [f"how does a {' '.join(rng.sample(WORDS, 5))} work? ({i})" for i in range(400)]
        latencies, started = [], time.monotonic()
        for question in questions:
            t = time.perf_counter()
            hits = retrieval.retrieve(question, k=5)
            latencies.append((time.perf_counter() - t) * 1000)
            assert len(hits) == 5
            if time.monotonic() - started > max(duration, 10) * 3:
                break
        seconds = time.monotonic() - started
        cached = []
        for question in questions[: len(latencies)]:
            t = time.perf_counter()
            retrieval.retrieve(question, k=5)
            cached.append((time.perf_counter() - t) * 1000)
        cached.sort()
    finally:
        if before is not None and before.pk != synthetic.pk:
            index_activate(before)  # the demo index is active again
    result = _row(latencies, seconds, errors=0, note="")
    result["note"] = (
        f"retrieve(k=5) over {synthetic.chunk_count} passages, new queries (embedding included): "
        f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms (target p95 <= 20 ms); "
        f"repeated queries (LRU hit): p50 {cached[len(cached) // 2]:.2f} ms"
    )
    return result


SCENARIOS = [
    Scenario("tutor: index build, demo course", "(in process)", runner=build_demo, tags=("tutor",)),
    Scenario(
        f"tutor: index build, synthetic {CHUNKS} passages",
        "(in process)",
        runner=build_synthetic,
        tags=("tutor",),
    ),
    Scenario(
        f"tutor: retrieve k=5 over {CHUNKS} passages",
        "(in process)",
        runner=retrieve_synthetic,
        tags=("tutor",),
    ),
]
