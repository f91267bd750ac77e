"""The index follows what learners see (issue 13, item 2): a course brought in through
the course import and published through the review workflow (the HTTP API, as an author
and an admin do it) is answerable right after, with no manual step; unpublished, it is
gone. ContentPublished / ContentUnpublished queue the reindex job, which runs
synchronously in tests (django-q2 `sync`)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from cms.models import CoursePage, LessonPage
from learning.coding.models import Challenge
from tutor.models import IndexVersion
from tutor.retrieval import IndexNotBuilt, retrieve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]

SOLUTION = "function gcd(a, b) { return b === 0 ? a : gcd(b, a % b); } // wombatEuclid"

DOCUMENT = {
    "title": "Number theory for coders",
    "slug": "number-theory",
    "summary": "Primes, divisors and remainders.",
    "modules": [
        {
            "title": "Divisibility",
            "lessons": [
                {
                    "title": "Prime numbers",
                    "slug": "primes",
                    "body": [
                        {
                            "type": "rich_text",
                            "value": "<p>A prime number has exactly two divisors: one and itself. "
                            "Two is the only even prime.</p>",
                        },
                        {"type": "heading", "value": {"text": "The sieve of Eratosthenes", "level": "h2"}},
                        {
                            "type": "rich_text",
                            "value": "<p>To list every prime below a limit, cross out the multiples of "
                            "each number in turn; whatever is never crossed out is prime.</p>",
                        },
                    ],
                },
                {
                    "title": "Greatest common divisor",
                    "slug": "gcd",
                    "body": [
                        {
                            "type": "rich_text",
                            "value": "<p>Euclid's algorithm replaces the pair (a, b) by (b, a mod b) "
                            "until the remainder is zero; the last non-zero value divides both.</p>",
                        }
                    ],
                    "challenges": [
                        {
                            "title": "Greatest common divisor",
                            "prompt": "Write `gcd(a, b)` returning the greatest common divisor.",
                            "reference_solution": SOLUTION,
                            "hints": ["What is gcd(a, 0)?", "Use the remainder: gcd(a, b) = gcd(b, a % b)."],
                            "tests": [
                                {
                                    "description": "gcd of 12 and 18",
                                    "code": "assert.strictEqual(gcd(12, 18), 6);",
                                },
                                {
                                    "description": "coprime otterNumbers",
                                    "code": "assert.strictEqual(gcd(35, 64), 1);",
                                    "hidden": True,
                                },
                            ],
                        }
                    ],
                },
            ],
        }
    ],
}

PRIME_QUESTION = "how can I find all the primes up to some number?"


def publish_through_review(auth_client, teacher, admin_user, document):
    imported = auth_client(teacher).post("/api/v1/authoring/import/?submit=true", document, format="json")
    assert imported.status_code == 201, imported.content
    admin = auth_client(admin_user)
    items = admin.get("/api/v1/moderation/").json()["results"]
    assert items
    for item in items:
        assert admin.post(f"/api/v1/moderation/{item['id']}/approve/", {}).status_code == 200
    return CoursePage.objects.get(slug=document["slug"])


@pytest.fixture
def active_index(curriculum_file):
    call_command("build_tutor_index", "--from", str(curriculum_file()), stdout=io.StringIO())
    return IndexVersion.objects.get(is_active=True)


def test_imported_course_is_answerable_once_published_and_gone_once_unpublished(
    active_index, auth_client, teacher, admin_user, course_index, django_capture_on_commit_callbacks
):
    # imported as drafts: nothing a learner sees, nothing indexed
    with django_capture_on_commit_callbacks(execute=True):
        imported = auth_client(teacher).post("/api/v1/authoring/import/?submit=true", DOCUMENT, format="json")
    assert imported.status_code == 201, imported.content
    assert IndexVersion.objects.get(is_active=True) == active_index
    assert all(p.course_id in (101, 102) for p in retrieve(PRIME_QUESTION, k=10))

    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        for item in admin.get("/api/v1/moderation/").json()["results"]:
            assert admin.post(f"/api/v1/moderation/{item['id']}/approve/", {}).status_code == 200

    course = CoursePage.objects.get(slug="number-theory")
    primes = LessonPage.objects.get(slug="primes")
    gcd = LessonPage.objects.get(slug="gcd")
    current = IndexVersion.objects.get(is_active=True)
    assert current.kind == "incremental" and current.base_id is not None
    assert course.pk in current.course_ids and {101, 102} <= set(current.course_ids)

    top = retrieve(PRIME_QUESTION, k=3)[0]
    assert (top.course_id, top.lesson_id, top.section_anchor) == (
        course.pk,
        primes.pk,
        "the-sieve-of-eratosthenes",
    )
    euclid = retrieve("what is Euclid's method for the biggest shared divisor?", k=3)
    assert euclid[0].lesson_id == gcd.pk
    assert any(p.section_anchor == "challenge-greatest-common-divisor" for p in euclid)
    # the other courses are still answerable
    assert retrieve("how does my computer turn a website name into a number", k=1)[0].lesson_id == 302

    # the reference solution, the hidden test and the hints were never embedded
    stored = default_storage.open(f"tutor-index/{current.version}/index.json").read()
    for secret in (b"wombatEuclid", b"otterNumbers", b"gcd(b, a % b)"):
        assert secret not in stored
    assert Challenge.objects.get().hints.count() == 2

    # unpublished through the API: its passages are gone, the others stay
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).post(
            f"/api/v1/authoring/pages/{course.pk}/unpublish/", {"include_descendants": True}
        )
    assert response.status_code == 200, response.content
    assert all(p.course_id != course.pk for p in retrieve(PRIME_QUESTION, k=10))
    assert course.pk not in IndexVersion.objects.get(is_active=True).course_ids
    assert retrieve("how does my computer turn a website name into a number", k=1)[0].lesson_id == 302


def test_one_lesson_published_later_is_added_without_embedding_the_rest_again(
    active_index, auth_client, teacher, admin_user, course_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = publish_through_review(auth_client, teacher, admin_user, DOCUMENT)
    before = IndexVersion.objects.get(is_active=True)
    module = course.get_children().get()

    client = auth_client(teacher)
    created = client.post(
        "/api/v1/authoring/lessons/",
        {
            "parent": module.pk,
            "title": "Modular arithmetic",
            "body": [
                {
                    "type": "rich_text",
                    "value": "<p>Clock arithmetic wraps around: 10 hours after 5 o'clock is 3 o'clock.</p>",
                }
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    lesson_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).post(f"/api/v1/authoring/pages/{lesson_id}/publish/", {})
    assert response.status_code == 200, response.content

    after = IndexVersion.objects.get(is_active=True)
    assert after.pk != before.pk and after.chunk_count == before.chunk_count + 1
    assert after.embedded_count == 1  # only the new lesson's passage
    assert retrieve("why does 5 o'clock plus ten hours give three?", k=1)[0].lesson_id == lesson_id

    # published again with nothing changed: the job keeps the active version
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).post(f"/api/v1/authoring/pages/{lesson_id}/publish/", {})
    assert response.status_code == 200, response.content
    assert IndexVersion.objects.get(is_active=True) == after
    # renamed: a new version, the passage's title follows
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.patch(f"/api/v1/authoring/lessons/{lesson_id}/", {"title": "Clock maths"}).status_code
            == 200
        )
        assert (
            auth_client(admin_user).post(f"/api/v1/authoring/pages/{lesson_id}/publish/", {}).status_code
            == 200
        )
    renamed = retrieve("why does 5 o'clock plus ten hours give three?", k=1)[0]
    assert (renamed.lesson_id, renamed.lesson_title) == (lesson_id, "Clock maths")
    assert IndexVersion.objects.get(is_active=True).embedded_count == 1


def test_first_publish_builds_the_index_when_none_exists(
    auth_client, teacher, admin_user, course_index, settings, django_capture_on_commit_callbacks
):
    settings.TUTOR_INDEX_BUILD_IF_MISSING = True
    with pytest.raises(IndexNotBuilt):
        retrieve(PRIME_QUESTION)
    with django_capture_on_commit_callbacks(execute=True):
        course = publish_through_review(auth_client, teacher, admin_user, DOCUMENT)
    # the first event built it from everything published, the next ones updated it
    assert IndexVersion.objects.order_by("pk").first().kind == "full"
    assert IndexVersion.objects.get(is_active=True).course_ids == [course.pk]
    assert retrieve(PRIME_QUESTION, k=1)[0].lesson_id == LessonPage.objects.get(slug="primes").pk


def test_without_an_index_a_publish_waits_for_the_first_build_when_so_configured(
    auth_client, teacher, admin_user, course_index, settings, django_capture_on_commit_callbacks
):
    settings.TUTOR_INDEX_BUILD_IF_MISSING = False
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(auth_client, teacher, admin_user, DOCUMENT)
    assert not IndexVersion.objects.exists()
    call_command("build_tutor_index", stdout=io.StringIO())
    assert retrieve(PRIME_QUESTION, k=1)[0].lesson_id == LessonPage.objects.get(slug="primes").pk
