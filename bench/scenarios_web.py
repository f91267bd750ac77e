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
        ("independent", "javascript", JS_SOLUTION, JS_TESTS),
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


# Statements a random program is made of (names and numbers vary per learner): two
# learners' random programs share statements, rarely runs of them.
STATEMENTS = [
    "let {a} = {n};",
    "const {a} = [{n}, {m}, {n}];",
    "for (let i = 0; i < {a}.length; i++) {{ {b} += {a}[i]; }}",
    "if ({a} > {n}) {{ console.log({a}); }} else {{ {a} = {m}; }}",
    "const {b} = {a}.map((x) => x * {n});",
    "function {c}(p, q) {{ return p + q * {n}; }}",
    "while ({a} < {n}) {{ {a}++; }}",
    "{a}.push({b});",
    "console.log({a}.join('{s}'));",
    "const {b} = {a}.filter((x) => x % {n} === 0);",
    "let {b} = {c}({a}, {n});",
    "switch ({a}) {{ case {n}: {b} = 1; break; default: {b} = 0; }}",
    "const {b} = Object.keys({a}).length;",
    "{a} = {a}.slice({n}).reverse();",
    "try {{ {b} = JSON.parse('{s}'); }} catch (e) {{ {b} = null; }}",
    "const {b} = {a}.reduce((t, x) => t + x, {n});",
    "for (const x of {a}) {{ if (x > {n}) break; {b}.push(x); }}",
    "{b} = Math.max({a}, {n}) - Math.min({a}, {m});",
    "const {c} = (x) => (x ? {a} : {b});",
    "document.title = String({a});",
    "let {c} = new Map(); {c}.set('{s}', {a});",
    "if (!{a} && {b}) {{ return {b}; }}",
    "{a} = typeof {b} === 'number' ? {b} : {n};",
    "const {b} = `${{{a}}}-{s}`;",
]


def _random_program(rng) -> str:
    names = [f"v{rng.randrange(1000)}" for _ in range(3)]
    lines = []
    for _ in range(rng.randrange(8, 16)):
        lines.append(
            rng.choice(STATEMENTS).format(
                a=names[0], b=names[1], c=names[2], n=rng.randrange(100), m=rng.randrange(100), s="x"
            )
        )
        rng.shuffle(names)
    return "\n".join(lines) + "\n"


def _similarity_row(ctx: Context, *, key: str, make, label) -> dict:
    from django.contrib.auth import get_user_model

    from learning.coding.models import Submission
    from learning.coding.services import similarity_scan_run

    _setup(ctx)
    challenge_id = _state["web_challenges"][key]
    User = get_user_model()
    rng = random.Random()
    if Submission.objects.filter(challenge_id=challenge_id).count() < 1000:
        users = User.objects.bulk_create(
            [
                User(email=f"bench-sim-{i}-{n}@mrict.local", username=f"bench-sim-{i}-{n}@mrict.local")
                for i in range(1000)
                for n in [rng.randrange(10**9)]
            ]
        )
        contents = make(rng, 1000)
        Submission.objects.bulk_create(
            [
                Submission(
                    user=user,
                    challenge_id=challenge_id,
                    files=[{"name": "main.js", "language": "javascript", "content": content}],
                    status="ok",
                )
                for user, content in zip(users, contents, strict=True)
            ]
        )
    times, summary = [], {}
    for _ in range(3):
        t = time.perf_counter()
        summary = similarity_scan_run(challenge_id=challenge_id)
        times.append((time.perf_counter() - t) * 1000)
    row = _row(times, sum(times) / 1000, errors=0, note="")
    row["note"] = (
        f"similarity scan: {summary.get('submissions')} learners' submissions ({label}), "
        f"{summary.get('pairs')} pairs reported, p50 {row['p50_ms']:.0f} ms per scan (3 scans)"
    )
    return row


def _independent(rng, n: int) -> list[str]:
    """Random programs; 5 % are a renamed, reformatted copy of an earlier learner's."""
    out = []
    for i in range(n):
        if i > 10 and rng.random() < 0.05:
            source = rng.choice(out)
            out.append(source.replace("v", "w").replace("; ", ";\n  ") + "\n// mine\n")
        else:
            out.append(_random_program(rng))
    return out


def similarity_independent(ctx: Context, duration: int) -> dict:
    return _similarity_row(
        ctx, key="independent", make=_independent, label="random programs, 5 % disguised copies"
    )


def similarity_1000(ctx: Context, duration: int) -> dict:
    """The worst case: 1,000 variations of the fixture solutions (so nearly everyone's
    work is a copy of ~40 others'): every pair is stored."""
    from learning.coding.tests.similarity_fixtures import CHALLENGES

    pool = [
        files[0][1]
        for c in CHALLENGES.values()
        for files in c["solutions"].values()
        if files[0][0] == "main.js"
    ]

    def make(rng, n):
        return [
            rng.choice(pool).replace("total", f"t{i}").replace("count", f"c{i}") + f"\n// learner {i}\n"
            for i in range(n)
        ]

    return _similarity_row(
        ctx, key="js", make=make, label=f"variations of {len(pool)} solutions: mass copying"
    )


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
        runner=similarity_independent,
        tags=("web",),
    ),
    Scenario(
        "web: similarity scan of 1,000 submissions, mass copying",
        "(in process: the django-q2 job)",
        runner=similarity_1000,
        tags=("web",),
    ),
]
