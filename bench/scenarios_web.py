"""Web challenges and plagiarism checks (issue 16, items 4 and 5).

Rows (runners: sequential submissions through the real API, timed by the client, from
24 learner accounts in turn; each row runs for the bench's duration). Run with
`CHALLENGE_SUBMIT_RATE=` (empty: no per-user limit) in the environment, as the rows
measure grading, not the throttle: `CHALLENGE_SUBMIT_RATE= make bench` or
`CHALLENGE_SUBMIT_RATE= .venv/bin/python bench/run.py -k web`. A 429 counts as an error.

- a JavaScript challenge's submission (3 assertion tests, V8): the baseline, same run;
- a web challenge's submission graded on the DOM (3 tests, V8 + linkedom);
- a web challenge with one style test (2 tests in V8 + 1 in headless Chromium);
- the plagiarism scan of 1,000 learners' submissions to one challenge, timed in this
  process against the bench database (what the django-q2 job runs).

Compare the rows of one run with each other: the machine is shared.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import urllib.error
import urllib.request

from scenarios import Context, Scenario

LEARNERS = 24
MIN_SAMPLES = 20  # per row, whatever the duration
_state: dict = {}

JS_SOLUTION = "function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
JS_TESTS = [
    {"description": "sums", "code": "assert.strictEqual(sum([1, 2, 3]), 6);"},
    {"description": "empty", "code": "assert.strictEqual(sum([]), 0);"},
    {"description": "negative", "code": "assert.strictEqual(sum([-1, 1]), 0);"},
]
PAGE = (
    '<!doctype html>\n<html><head><link rel="stylesheet" href="style.css"></head>\n'
    '<body><h1 class="title">Hi</h1><p>One</p><p>Two</p><ul id="list"></ul>\n'
    '<script src="script.js"></script></body></html>\n'
)
PAGE_CSS = "p { color: blue; }\n"
PAGE_JS = (
    "for (const t of ['a', 'b', 'c']) {\n  const li = document.createElement('li');\n"
    "  li.textContent = t;\n  document.getElementById('list').appendChild(li);\n}\n"
)
WEB_REFERENCE = PAGE + "<!-- file: style.css -->\n" + PAGE_CSS + "<!-- file: script.js -->\n" + PAGE_JS
DOM_TESTS = [
    {"description": "h1", "code": "assert.exists(document.querySelector('h1'), 'Add an h1.');"},
    {
        "description": "class",
        "code": "assert.isTrue(document.querySelector('h1').classList.contains('title'));",
    },
    {"description": "list", "code": "assert.lengthOf(document.querySelectorAll('#list li'), 3);"},
]
STYLE_TEST = {
    "description": "blue",
    "code": (
        "for (const p of document.querySelectorAll('p'))\n"
        "  assert.equal(getComputedStyle(p).color, 'rgb(0, 0, 255)');"
    ),
}
WEB_FILES = [
    {"name": "index.html", "content": PAGE},
    {"name": "style.css", "content": PAGE_CSS},
    {"name": "script.js", "content": PAGE_JS},
]


def _setup(ctx: Context) -> None:
    """Learners, and three challenges on a lesson of the demo course (created once)."""
    if "web_challenges" in _state:
        return
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from cms.models import CoursePage, LessonPage
    from learning.coding.services import challenge_create

    User = get_user_model()
    _state["tokens"] = [
        str(
            AccessToken.for_user(
                User.objects.get_or_create(
                    email=f"bench-web-{i}@mrict.local", defaults={"email_verified": True}
                )[0]
            )
        )
        for i in range(LEARNERS)
    ]
    course = CoursePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    author = User.objects.filter(email="teacher@mrict.local").first()
    made = {}
    for key, language, reference, tests in (
        ("js", "javascript", JS_SOLUTION, JS_TESTS),
        ("dom", "web", WEB_REFERENCE, DOM_TESTS),
        ("style", "web", WEB_REFERENCE, DOM_TESTS[:2] + [STYLE_TEST]),
    ):
        made[key] = challenge_create(
            user=author,
            data={
                "lesson": lesson,
                "title": f"bench {key}",
                "prompt": "-",
                "language": language,
                "reference_solution": reference,
                "tests": tests,
            },
        ).pk
    _state["web_challenges"] = made


def _row(latencies_ms: list[float], seconds: float, *, errors: int, note: str) -> dict:
    ordered = sorted(latencies_ms) or [0.0]

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    return {
        "requests": len(latencies_ms),
        "seconds": round(seconds, 3),
        "rps": len(latencies_ms) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(ordered),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": errors,
        "non2xx": 0,
        "note": note,
    }


def _submissions(key: str, body: dict, label: str):
    def runner(ctx: Context, duration: int) -> dict:
        _setup(ctx)
        url = f"{ctx.base_url}/api/v1/challenges/{_state['web_challenges'][key]}/submit/"
        data = json.dumps(body).encode()
        latencies, errors, passed, i = [], 0, 0, 0
        for token in _state["tokens"][:2]:  # warm-up, untimed: the first Chromium launch
            with urllib.request.urlopen(
                urllib.request.Request(
                    url,
                    data=data,
                    method="POST",
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                ),
                timeout=60,
            ) as response:
                response.read()
        started = time.monotonic()
        while time.monotonic() - started < duration or len(latencies) < MIN_SAMPLES:
            token = _state["tokens"][i % LEARNERS]
            i += 1
            request = urllib.request.Request(
                url,
                data=data,
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    passed += bool(json.loads(response.read()).get("passed"))
            except urllib.error.URLError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - t) * 1000)
        return _row(
            latencies,
            time.monotonic() - started,
            errors=errors,
            note=f"{label}: {len(latencies)} sequential submissions, {passed} passed",
        )

    return runner


def similarity_1000(ctx: Context, duration: int) -> dict:
    """1,000 learners' submissions to one challenge (variations of ten solutions: a
    quarter are renamed copies of another learner's), then the scan job, timed."""
    from django.contrib.auth import get_user_model

    from learning.coding.models import Submission
    from learning.coding.services import similarity_scan_run
    from learning.coding.tests.similarity_fixtures import CHALLENGES

    _setup(ctx)
    challenge_id = _state["web_challenges"]["js"]
    User = get_user_model()
    pool = [
        files for c in CHALLENGES.values() for files in c["solutions"].values() if files[0][0] == "main.js"
    ]
    rng = random.Random()
    if Submission.objects.filter(challenge_id=challenge_id).count() < 1000:
        users = User.objects.bulk_create(
            [
                User(email=f"bench-sim-{i}-{n}@mrict.local", username=f"bench-sim-{i}-{n}@mrict.local")
                for i in range(1000)
                for n in [rng.randrange(10**9)]
            ]
        )
        rows = []
        for i, user in enumerate(users):
            name, content = rng.choice(pool)[0]
            # rename every identifier-ish word a little, as each learner writes their own
            content = content.replace("total", f"t{i}").replace("count", f"c{i}") + f"\n// learner {i}\n"
            rows.append(
                Submission(
                    user=user,
                    challenge_id=challenge_id,
                    files=[{"name": name, "language": "javascript", "content": content}],
                    status="ok",
                )
            )
        Submission.objects.bulk_create(rows)
    times, summary = [], {}
    for _ in range(3):
        t = time.perf_counter()
        summary = similarity_scan_run(challenge_id=challenge_id)
        times.append((time.perf_counter() - t) * 1000)
    row = _row(times, sum(times) / 1000, errors=0, note="")
    row["note"] = (
        f"similarity scan: {summary.get('submissions')} learners' submissions (variations of "
        f"{len(pool)} solutions, so most are copies of ~30 others), {summary.get('pairs')} pairs "
        f"reported, p50 {row['p50_ms']:.0f} ms per scan (3 scans)"
    )
    return row


SCENARIOS = [
    Scenario(
        "web: JavaScript submission, 3 tests (baseline)",
        "/api/v1/challenges/{js}/submit/",
        method="POST",
        runner=_submissions("js", {"source": JS_SOLUTION}, "JavaScript, 3 V8 tests"),
        tags=("web",),
    ),
    Scenario(
        "web: DOM-graded submission, 3 tests (V8 + linkedom)",
        "/api/v1/challenges/{dom}/submit/",
        method="POST",
        runner=_submissions("dom", {"files": WEB_FILES}, "web page, 3 DOM tests"),
        tags=("web",),
    ),
    Scenario(
        "web: submission with a style test (2 V8 + 1 Chromium)",
        "/api/v1/challenges/{style}/submit/",
        method="POST",
        runner=_submissions("style", {"files": WEB_FILES}, "web page, 2 DOM tests + 1 computed-style test"),
        tags=("web",),
    ),
    Scenario(
        "web: similarity scan of 1,000 submissions of one challenge",
        "(in process: the django-q2 job)",
        runner=similarity_1000,
        tags=("web",),
    ),
]
