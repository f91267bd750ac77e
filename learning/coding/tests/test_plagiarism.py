"""Plagiarism checks between submissions (docs/similarity.md): the measured precision
and recall on hand-written fixtures, the HTML/CSS tokenisers, exact duplicates at
submission time, the background scan (django-q2, run synchronously in tests) and the
teachers' reports through the real API."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory
from learning.coding import similarity
from learning.coding.models import Challenge, SimilarityPair, SimilarityScan, Submission
from learning.coding.tests.similarity_fixtures import CHALLENGES, lineage

# --- the measure, on fixtures (no database) ------------------------------------------------

PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.9


def test_precision_and_recall_on_the_fixture_pairs(settings, capsys):
    """Every pair of solutions of each fixture challenge, labelled copy / independent;
    the detector at the default threshold must keep both measures above the floors."""
    tp = fp = fn = tn = 0
    missed, false_alarms = [], []
    for name, challenge in CHALLENGES.items():
        base = (
            similarity.document(challenge["starter"]).fingerprints
            | similarity.document(challenge["reference"]).fingerprints
        )
        names = list(challenge["solutions"])
        docs = [similarity.document(challenge["solutions"][n]) for n in names]
        flagged = {
            (m.a, m.b)
            for m in similarity.similar_pairs(
                docs,
                base=base,
                threshold=settings.SIMILARITY_THRESHOLD,
                common_docs=settings.SIMILARITY_COMMON_DOCS,
                min_fingerprints=settings.SIMILARITY_MIN_FINGERPRINTS,
            )
        }
        for i, j in itertools.combinations(range(len(names)), 2):
            copy = lineage(names[i]) == lineage(names[j])
            hit = (i, j) in flagged
            tp += copy and hit
            fn += copy and not hit
            fp += hit and not copy
            tn += not copy and not hit
            if copy and not hit:
                missed.append((name, names[i], names[j]))
            if hit and not copy:
                false_alarms.append((name, names[i], names[j]))
    pairs = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    with capsys.disabled():
        print(
            f"\nsimilarity at threshold {settings.SIMILARITY_THRESHOLD}: {pairs} pairs "
            f"({tp + fn} copies), precision {precision:.2f}, recall {recall:.2f}; "
            f"missed {missed}, false alarms {false_alarms}"
        )
    assert pairs >= 20 and tp + fn >= 10
    assert precision >= PRECISION_FLOOR, false_alarms
    assert recall >= RECALL_FLOOR, missed


RENAMED_COPY = """function total(xs){let r=0;for(let q=0;q<xs.length;q++){r+=xs[q]}return r}"""
ORIGINAL = """
function sum(numbers) {
  // add them up
  let acc = 0;
  for (let i = 0; i < numbers.length; i++) {
    acc += numbers[i];
  }
  return acc;
}
"""


def test_a_renamed_reformatted_copy_has_the_same_tokens():
    a = similarity.document([("main.js", ORIGINAL)])
    b = similarity.document([("main.js", RENAMED_COPY)])
    assert a.tokens == b.tokens
    assert similarity.token_hash([("main.js", ORIGINAL)]) == similarity.token_hash(
        [("main.js", RENAMED_COPY)]
    )
    assert similarity.pair_score(a.fingerprints, b.fingerprints) == 1.0


def test_html_and_css_tokens_normalise_names_text_and_values():
    page_a = '<div class="card" id="me"><p>Hello there</p><img src="cat.png"></div>'
    page_b = '<div class="box"  id="you">\n  <p>Other words entirely</p>\n  <img src="dog.jpg">\n</div>'
    assert [t for t, _ in similarity.html_tokens_with_lines(page_a)] == [
        t for t, _ in similarity.html_tokens_with_lines(page_b)
    ]
    css_a = ".card { color: #ff0000; margin: 10px 2em; } p { font-family: 'Arial'; }"
    css_b = '/* mine */\n.box{color:#00f;margin:3px 1rem}\np{font-family:"Comic"}'
    assert [t for t, _ in similarity.css_tokens_with_lines(css_a)] == [
        t for t, _ in similarity.css_tokens_with_lines(css_b)
    ]
    # what a page is made of stays: another tag, another property
    assert similarity.token_hash([("a.css", "p { color: red }")]) != similarity.token_hash(
        [("a.css", "p { background: red }")]
    )


def test_matching_line_ranges_point_at_both_sides():
    a = similarity.document([("main.js", ORIGINAL)])
    b = similarity.document([("main.js", "// header\n\n\n" + RENAMED_COPY)])
    shared = a.fingerprints & b.fingerprints
    # the copy covers the whole function (its last `}` may fall outside a kept k-gram)
    assert similarity.matching_ranges(a, shared) in (
        [{"file": "main.js", "start": 2, "end": 9}],
        [{"file": "main.js", "start": 2, "end": 8}],
    )
    assert similarity.matching_ranges(b, shared) == [{"file": "main.js", "start": 4, "end": 4}]


def test_idioms_shared_by_many_are_not_evidence():
    docs = [similarity.document([("main.js", ORIGINAL.replace("acc", f"v{i}"))]) for i in range(12)]
    assert similarity.similar_pairs(docs, threshold=0.6, common_docs=10) == []
    assert len(similarity.similar_pairs(docs[:3], threshold=0.6, common_docs=10)) == 3


# --- through the API --------------------------------------------------------------------


STARTER = "function sum(numbers) {\n  // your code\n}\n"
REFERENCE = "function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
INDEPENDENT = """function sum(xs) {
  if (xs.length === 0) return 0;
  const [head, ...tail] = xs;
  return head + sum(tail);
}
"""


@pytest.fixture
def lesson(build_course):
    course = build_course()
    return LessonPage.objects.descendant_of(course).live().first()


@pytest.fixture
def challenge(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "Sum",
            "prompt": "Write sum(numbers).",
            "starter_source": STARTER,
            "reference_solution": REFERENCE,
            "tests": [{"description": "sums", "code": "assert.strictEqual(sum([1, 2, 3]), 6);"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Challenge.objects.get(pk=response.json()["id"])


def learner(n: int):
    return UserFactory(email=f"learner{n}@example.test", role="student")


def submit(client, challenge, source):
    response = client.post(f"/api/v1/challenges/{challenge.pk}/submit/", {"source": source}, format="json")
    assert response.status_code == 201, response.content
    return Submission.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_exact_duplicate_flagged_at_submission_and_copy_found_by_the_scan(
    auth_client, teacher, challenge, django_capture_on_commit_callbacks
):
    from learning.events import ChallengeSubmitted, bus

    seen = []
    bus.subscribe(ChallengeSubmitted, seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            original = submit(auth_client(learner(1)), challenge, ORIGINAL)
            other = submit(auth_client(learner(2)), challenge, INDEPENDENT)
            copy = submit(auth_client(learner(3)), challenge, RENAMED_COPY)
            # a learner submitting the starter or the reference solution is not a duplicate
            submit(auth_client(learner(4)), challenge, STARTER)
            starter_too = submit(auth_client(learner(5)), challenge, STARTER)
    finally:
        bus.unsubscribe(ChallengeSubmitted, seen.append)
    assert original.duplicate_of is None and other.duplicate_of is None
    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    assert starter_too.duplicate_of is None
    assert [e.duplicate_of_id for e in seen] == [None, None, original.pk, None, None]

    # the scan ran (a django-q2 job, synchronous in tests) and its state can be polled
    body = auth_client(teacher).get(f"/api/v1/teacher/challenges/{challenge.pk}/similarity/scan/").json()
    assert body["status"] == "done" and body["submissions"] == 5 and body["pairs"] == 1, body

    report = auth_client(teacher).get(f"/api/v1/teacher/challenges/{challenge.pk}/similarity/").json()
    assert report["count"] == 1
    pair = report["results"][0]
    assert pair["exact"] is True and pair["score"] == 1.0
    assert pair["first"]["submission_id"] == original.pk and pair["second"]["submission_id"] == copy.pk
    assert pair["first"]["user"]["email"] == "learner1@example.test"
    assert pair["first"]["ranges"][0]["start"] == 2 and pair["first"]["ranges"][0]["end"] >= 8
    assert pair["second"]["ranges"] == [{"file": "main.js", "start": 1, "end": 1}]


@pytest.mark.django_db
def test_a_disguised_copy_with_extra_code_is_found_and_independent_work_is_not(
    auth_client, teacher, challenge, django_capture_on_commit_callbacks
):
    disguised = (
        "const helper = (q) => q * 2;\n"
        + ORIGINAL.replace("acc", "running").replace("numbers", "list").replace("  ", "\t")
        + "\nconsole.log(sum([1, 2]), helper(3));\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(auth_client(learner(1)), challenge, ORIGINAL)
        submit(auth_client(learner(2)), challenge, INDEPENDENT)
        second = submit(auth_client(learner(3)), challenge, disguised)
    second.refresh_from_db()
    assert second.duplicate_of is None  # not token-identical...
    pairs = list(SimilarityPair.objects.all())
    assert [(p.first_id, p.second_id, p.exact) for p in pairs] == [
        (first.pk, second.pk, False)
    ]  # ...but near
    assert pairs[0].score >= 0.6


@pytest.mark.django_db
def test_course_report_teachers_see_only_their_courses(
    auth_client, teacher, other_teacher, admin_user, student, challenge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(auth_client(learner(1)), challenge, ORIGINAL)
        submit(auth_client(learner(2)), challenge, RENAMED_COPY)
    course_url = f"/api/v1/teacher/courses/{challenge.course_id}/similarity/"
    challenge_url = f"/api/v1/teacher/challenges/{challenge.pk}/similarity/"
    assert auth_client(teacher).get(course_url).json()["count"] == 1
    assert auth_client(admin_user).get(course_url).json()["count"] == 1
    for url in (course_url, challenge_url, challenge_url + "scan/"):
        assert auth_client(other_teacher).get(url).status_code == 404
        assert auth_client(student).get(url).status_code == 403
        assert auth_client(None).get(url).status_code == 401
    assert auth_client(teacher).get("/api/v1/teacher/courses/999999/similarity/").status_code == 404


@pytest.mark.django_db
def test_rescan_is_queued_and_polled(
    auth_client, teacher, challenge, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(auth_client(learner(1)), challenge, ORIGINAL)
        submit(auth_client(learner(2)), challenge, RENAMED_COPY)
    assert SimilarityPair.objects.count() == 1
    settings.SIMILARITY_THRESHOLD = 1.01  # nothing can reach it but exact copies
    SimilarityPair.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(teacher).post(f"/api/v1/teacher/challenges/{challenge.pk}/similarity/scan/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    scan = SimilarityScan.objects.get(challenge=challenge)
    assert scan.status == "done" and scan.pairs == 1  # the exact copy, still
    assert SimilarityPair.objects.get().exact is True


@pytest.mark.django_db
def test_the_reports_run_a_constant_number_of_queries(auth_client, teacher, challenge, settings):
    """Pairs written straight by the scan service at two sizes: the same query count."""
    from learning.coding.services import similarity_scan_run

    people = [learner(1000 + i) for i in range(5)]

    def fill(n: int) -> None:
        Submission.objects.all().delete()
        for i in range(n):
            Submission.objects.create(
                user=people[i],
                challenge=challenge,
                files=[
                    {"name": "main.js", "language": "javascript", "content": ORIGINAL.replace("acc", f"a{i}")}
                ],
                status="ok",
            )
        similarity_scan_run(challenge_id=challenge.pk)

    client = auth_client(teacher)
    counts = []
    for n in (2, 5):
        fill(n)
        assert SimilarityPair.objects.count() == n * (n - 1) // 2
        for url in (
            f"/api/v1/teacher/challenges/{challenge.pk}/similarity/",
            f"/api/v1/teacher/courses/{challenge.course_id}/similarity/",
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:], counts


# --- the projects of a course (learning/projects, merged from fix/projects) ------------

TEMPLATE_HTML = (
    '<!doctype html>\n<html><head><link rel="stylesheet" href="site.css"></head>\n<body>\n</body></html>\n'
)
CARD_PAGE = """<!doctype html>
<html><head><link rel="stylesheet" href="site.css"></head>
<body>
  <header class="top"><h1 class="title">My cat</h1>
  <nav><a href="#about">About</a> <a href="#photos">Photos</a></nav></header>
  <main><section id="about" class="card"><h2>About</h2>
  <p>She sleeps all day.</p><p>She eats at night.</p></section></main>
</body></html>
"""
CARD_CSS = (
    ".top { background: #333; color: white; padding: 10px; }\n"
    ".card { border: 1px solid #ccc; margin: 16px; }\n"
)
OTHER_PAGE = """<!doctype html>
<html><head><link rel="stylesheet" href="site.css"></head>
<body><h1>Shopping</h1><ul><li>Milk</li><li>Bread</li></ul>
<form><label for="q">Search</label><input id="q"><button>Go</button></form></body></html>
"""


@pytest.mark.django_db
def test_projects_of_a_course_join_the_course_report(
    auth_client, teacher, other_teacher, build_course, django_capture_on_commit_callbacks
):
    from learning.projects.models import ProjectTemplate, ProjectTemplateFile

    course = build_course(title="Web basics")
    template = ProjectTemplate.objects.create(title="Portfolio", course=course)
    ProjectTemplateFile.objects.create(
        template=template, path="index.html", content=TEMPLATE_HTML, sort_order=0
    )
    ProjectTemplateFile.objects.create(
        template=template, path="site.css", content="p { color: blue }", sort_order=1
    )

    def project(n: int, page: str, css: str) -> int:
        client = auth_client(learner(n))
        body = client.post("/api/v1/projects/", {"title": "Mine", "template_id": template.pk}, format="json")
        assert body.status_code == 201, body.content
        body = body.json()
        for path, content in (("index.html", page), ("site.css", css)):
            written = client.post(
                f"/api/v1/projects/{body['id']}/files/write/",
                {"path": path, "content": content, "version": body["version"]},
                format="json",
            )
            assert written.status_code == 200, written.content
            body["version"] = written.json()["version"]
        return body["id"]

    original = project(1, CARD_PAGE, CARD_CSS)
    disguised = (
        CARD_PAGE.replace("cat", "dog").replace("card", "box").replace("top", "banner").replace("  ", "")
    )
    copy = project(
        2, disguised, CARD_CSS.replace("#333", "#222").replace("card", "box").replace("top", "banner")
    )
    project(3, OTHER_PAGE, "ul { list-style: square; }\nform { display: flex; }\n")
    project(4, TEMPLATE_HTML, "p { color: blue }")  # the template unchanged: not evidence

    client = auth_client(teacher)
    scan_url = f"/api/v1/teacher/courses/{course.pk}/similarity/projects-scan/"
    assert client.get(scan_url).json()["status"] == "never"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(scan_url)
    assert response.status_code == 202, response.content
    state = client.get(scan_url).json()
    assert state["status"] == "done" and state["submissions"] == 4 and state["pairs"] == 1, state
    report = client.get(f"/api/v1/teacher/courses/{course.pk}/similarity/").json()
    assert report["count"] == 1
    pair = report["results"][0]
    assert pair["kind"] == "project" and pair["challenge_id"] is None
    assert {pair["first"]["project_id"], pair["second"]["project_id"]} == {original, copy}
    assert pair["first"]["ranges"] and pair["second"]["ranges"]
    assert auth_client(other_teacher).get(scan_url).status_code == 404
    assert auth_client(other_teacher).post(scan_url).status_code == 404


@pytest.mark.django_db
def test_project_saves_scan_their_course_without_a_teacher(
    auth_client, teacher, build_course, django_capture_on_commit_callbacks
):
    """ProjectSaved (learning/projects) queues the course's project scan, debounced: a
    burst of saves queues one job, and the report fills without a teacher asking."""
    from learning.projects.models import ProjectTemplate, ProjectTemplateFile

    course = build_course(title="Web basics")
    template = ProjectTemplate.objects.create(title="Portfolio", course=course)
    ProjectTemplateFile.objects.create(
        template=template, path="index.html", content=TEMPLATE_HTML, sort_order=0
    )

    def save_all(client, project, files):
        for path, content in files:
            written = client.post(
                f"/api/v1/projects/{project['id']}/files/write/",
                {"path": path, "content": content, "version": project["version"]},
                format="json",
            )
            assert written.status_code == 200, written.content
            project["version"] = written.json()["version"]

    clients = [auth_client(learner(n)) for n in (1, 2)]
    projects = []
    # the saves' events are delivered, but the jobs they queue are held back
    with django_capture_on_commit_callbacks(execute=False) as deliveries:
        for client in clients:
            body = client.post(
                "/api/v1/projects/", {"title": "Mine", "template_id": template.pk}, format="json"
            )
            assert body.status_code == 201, body.content
            projects.append(body.json())
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        for deliver in deliveries:
            deliver()
    assert len(deliveries) == 2 and len(jobs) == 1  # two saves, one scan queued
    scan_url = f"/api/v1/teacher/courses/{course.pk}/similarity/projects-scan/"
    assert auth_client(teacher).get(scan_url).json()["status"] == "queued"
    disguised = CARD_PAGE.replace("cat", "dog").replace("card", "box").replace("  ", "")
    with django_capture_on_commit_callbacks(execute=True):
        for job in jobs:
            job()  # the queued scan starts (and clears the mark) before the learners go on
        save_all(clients[0], projects[0], [("index.html", CARD_PAGE), ("site.css", CARD_CSS)])
        save_all(
            clients[1],
            projects[1],
            [("index.html", disguised), ("site.css", CARD_CSS.replace("card", "box"))],
        )
    state = auth_client(teacher).get(scan_url).json()
    assert state["status"] == "done" and state["submissions"] == 2 and state["pairs"] == 1, state
    report = auth_client(teacher).get(f"/api/v1/teacher/courses/{course.pk}/similarity/").json()
    assert report["count"] == 1 and report["results"][0]["kind"] == "project"
    assert {report["results"][0]["first"]["project_id"], report["results"][0]["second"]["project_id"]} == {
        p["id"] for p in projects
    }
