"""The content cache (cms/content_cache, docs/content-cache.md), through the HTTP API.

Runs on the embedded default (local memory, tokens in the database) and, in the
PostgreSQL + Redis pass, on Redis. Invalidation is driven by the events the cache
subscribes to (`ContentPublished` / `ContentUnpublished`), published on the bus here.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import content_cache, services
from cms.content_cache import handlers, store
from cms.models import LessonPage, ModulePage
from learning.accounts.tests.helpers import assert_error
from learning.events import ContentPublished, ContentUnpublished, bus

pytestmark = pytest.mark.django_db


def _redis() -> bool:
    return bool(settings.REDIS_URL)


def _fresh_caches():
    """Forget everything cached so far, the user cache's "recently changed" markers too
    (with Redis, a user saved in the last 10 s is not cached: see user_cache.py)."""
    from django.core.cache import cache

    cache.clear()


def _published(course, *, change="publish", page_ids=None, event=ContentPublished):
    return event(
        course_id=course.pk, page_ids=page_ids or [course.pk], change=change, occurred_at=timezone.now()
    )


def _count(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, [q["sql"] for q in ctx.captured_queries]


# What a hit costs besides the content itself: without Redis, the user behind the token
# (no user cache) and the version tokens (in the database) are one query each.
def _overhead() -> int:
    return 0 if _redis() else 2


# --- hits: SQL ---------------------------------------------------------------------------------


def test_catalog_hit_runs_no_sql(build_course, auth_client, student):
    build_course(title="HTML", tags=["html"])
    build_course(title="CSS", tags=["css"])
    _fresh_caches()
    client = auth_client(student)
    first = client.get("/api/v1/courses/")
    assert first.status_code == 200
    response, queries = _count(client, "/api/v1/courses/")
    assert response.status_code == 200
    assert response.content == first.content and response.json()["count"] == 2
    assert len(queries) == _overhead(), queries
    if _redis():
        assert queries == []


def test_course_and_lesson_hits_run_no_visibility_query(build_course, auth_client, student):
    """A hit is proven visible by the entry itself (docs/content-cache.md, "A hit needs
    no visibility query"): only authenticating the caller is left, 0 queries with Redis
    and the user cache."""
    course = build_course(modules=2, lessons_per_module=3)
    lesson = LessonPage.objects.descendant_of(course).live().first()
    _fresh_caches()
    client = auth_client(student)
    for url in (f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/"):
        first = client.get(url)
        assert first.status_code == 200
        response, queries = _count(client, url)
        assert response.status_code == 200 and response.content == first.content
        assert len(queries) == _overhead(), queries
        assert not any("wagtailcore_page" in sql for sql in queries), queries
        if _redis():
            assert queries == []
        # and a 304 costs the same
        response, queries = _count(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 304 and len(queries) == _overhead(), queries


def test_a_miss_checks_visibility_and_leaves_nothing_for_ids_that_name_nothing(
    build_course, auth_client, student
):
    """A miss checks visibility before anything else: an id of no visible course or
    lesson is a 404 that creates no version token (no Redis key, no ContentVersion row)."""
    from cms.models import ContentVersion

    course = build_course(publish=False)
    lesson = LessonPage.objects.descendant_of(course).first()
    _fresh_caches()
    client = auth_client(student)
    tokens_before = ContentVersion.objects.count()
    for url in (
        f"/api/v1/courses/{course.pk}/",
        f"/api/v1/lessons/{lesson.pk}/",
        "/api/v1/courses/987654/",
        "/api/v1/lessons/987654/",
    ):
        assert_error(client.get(url), 404)
    assert ContentVersion.objects.count() == tokens_before
    if _redis():
        from site_config.redis import redis_client

        assert redis_client().keys(store._redis_key("v:course:*")) == []


def test_a_lesson_entry_is_kept_only_if_the_lesson_is_still_in_that_course(
    build_course, auth_client, student
):
    """lesson_entry asks again after rendering: a caller whose check named another
    course (the lesson moved in between) gets the render but stores nothing under that
    course's token, so no pointer can find it later."""
    course = build_course()
    other = build_course(title="Other")
    lesson = LessonPage.objects.descendant_of(course).first()
    _fresh_caches()
    body = content_cache.lesson_entry(lesson.pk, other.pk)
    assert b"Course" in body
    assert store.peek(f"lesson:{lesson.pk}", [store.course_scope(other.pk)]) is None
    assert store.peek_lesson(lesson.pk) is None
    content_cache.lesson_entry(lesson.pk, course.pk)
    assert store.peek(f"lesson:{lesson.pk}", [store.course_scope(course.pk)]) is not None
    assert store.peek_lesson(lesson.pk) is not None


def test_a_lesson_whose_pointer_was_lost_gets_it_back(build_course, auth_client, student):
    """An entry without its pointer (evicted, or cached by older code) is found by the
    slow path, which puts the pointer back: the read after is a hit again."""
    from django.core.cache import cache

    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    _fresh_caches()
    client = auth_client(student)
    url = f"/api/v1/lessons/{lesson.pk}/"
    first = client.get(url)
    if _redis():
        from site_config.redis import redis_client

        redis_client().delete(store._redis_key(store._lesson_course_key(lesson.pk)))
    else:
        cache.delete(f"content:{store._lesson_course_key(lesson.pk)}")
    assert store.peek_lesson(lesson.pk) is None
    response, queries = _count(client, url)
    assert response.content == first.content
    assert any("wagtailcore_page" in sql for sql in queries)  # the visibility check
    response, queries = _count(client, url)
    assert response.content == first.content and len(queries) == _overhead(), queries


def _hide_lesson(admin, course, lesson):
    services.page_unpublish(user=admin, page=lesson)


def _hide_module(admin, course, lesson):
    services.page_unpublish(user=admin, page=lesson.get_parent())


def _hide_course(admin, course, lesson):
    services.page_unpublish(user=admin, page=course)


def _hide_catalog(admin, course, lesson):
    services.page_unpublish(user=admin, page=course.get_parent())


def _delete_lesson(admin, course, lesson):
    services.page_delete(user=admin, page=lesson)


def _expire_course(admin, course, lesson):
    from django.core.management import call_command

    type(course).objects.filter(pk=course.pk).update(expire_at=timezone.now() - timezone.timedelta(minutes=5))
    call_command("publish_scheduled")


@pytest.mark.parametrize(
    ("hide", "course_visible"),
    [
        (_hide_lesson, True),
        (_hide_module, True),
        (_hide_course, False),
        (_hide_catalog, False),
        (_delete_lesson, True),
        (_expire_course, False),
    ],
    ids=[
        "unpublish lesson",
        "unpublish module",
        "unpublish course",
        "unpublish catalog",
        "delete lesson",
        "expiry",
    ],
)
def test_hiding_warm_content_is_seen_at_once(
    build_course, auth_client, student, admin_user, django_capture_on_commit_callbacks, hide, course_visible
):
    """Without a visibility query on a hit, every way of hiding a course or lesson must
    reach the cache through the event before the change returns: warm entries (and the
    lesson's pointer), hide, read again."""
    course = build_course(modules=2, lessons_per_module=2)
    lesson = LessonPage.objects.descendant_of(course).live().first()
    client = auth_client(student)
    course_url, lesson_url = f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/"
    for url in (course_url, lesson_url, course_url, lesson_url):
        assert client.get(url).status_code == 200
    assert store.peek_lesson(lesson.pk) is not None or not store.enabled()

    with django_capture_on_commit_callbacks(execute=True):
        hide(admin_user, course, LessonPage.objects.get(pk=lesson.pk))

    assert_error(client.get(lesson_url), 404)
    if course_visible:
        lessons = [le["id"] for m in client.get(course_url).json()["modules"] for le in m["lessons"]]
        assert lesson.pk not in lessons
    else:
        assert_error(client.get(course_url), 404)


def test_a_moved_lesson_is_read_in_its_new_course(
    build_course, auth_client, student, admin_user, django_capture_on_commit_callbacks
):
    """The pointer to a lesson's course goes stale on a move: the old course's token was
    bumped, so the read misses, checks, renders in the new course and moves the pointer."""
    course = build_course()
    other = build_course(title="Other")
    lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    url = f"/api/v1/lessons/{lesson.pk}/"
    for _ in range(2):
        assert client.get(url).json()["course"]["id"] == course.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).patch(
            f"/api/v1/authoring/lessons/{lesson.pk}/",
            {"parent": ModulePage.objects.child_of(other).first().pk},
            format="json",
        )
    assert response.status_code == 200, response.content
    for _ in range(2):
        assert client.get(url).json()["course"]["id"] == other.pk


def test_a_miss_renders_with_the_learner_selectors(build_course, auth_client, student):
    """The render path is the API's own: same fields as before the cache."""
    course = build_course(modules=1, lessons_per_module=2)
    body = auth_client(student).get(f"/api/v1/courses/{course.pk}/").json()
    assert body["lesson_count"] == 2 and len(body["modules"][0]["lessons"]) == 2


# --- HTTP caching --------------------------------------------------------------------------------


def test_etag_304_and_headers(build_course, auth_client, student):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    for url, cache_control in (
        ("/api/v1/courses/", "public, max-age=30, stale-while-revalidate=60"),
        (f"/api/v1/courses/{course.pk}/", "private, no-cache"),
        (f"/api/v1/lessons/{lesson.pk}/", "private, no-cache"),
    ):
        response = client.get(url)
        etag = response["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert response["Cache-Control"] == cache_control
        assert "Authorization" in response["Vary"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag and again["Cache-Control"] == cache_control
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_conditional_get_still_needs_the_right_to_read(
    build_course, auth_client, student, admin_user, django_capture_on_commit_callbacks
):
    course = build_course()
    etag = auth_client(student).get(f"/api/v1/courses/{course.pk}/")["ETag"]
    assert_error(auth_client(None).get(f"/api/v1/courses/{course.pk}/", HTTP_IF_NONE_MATCH=etag), 401)
    with django_capture_on_commit_callbacks(execute=True):
        services.page_unpublish(user=admin_user, page=course)
    assert_error(auth_client(student).get(f"/api/v1/courses/{course.pk}/", HTTP_IF_NONE_MATCH=etag), 404)


def test_an_old_etag_no_longer_matches_after_a_publish(
    build_course, auth_client, student, teacher, admin_user, django_capture_on_commit_callbacks
):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    urls = ["/api/v1/courses/", f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/"]
    etags = {url: client.get(url)["ETag"] for url in urls}
    services.lesson_update(user=teacher, lesson=lesson, title="Renamed lesson")
    services.page_publish(user=admin_user, page=LessonPage.objects.get(pk=lesson.pk))
    services.course_update(user=teacher, course=course, title="Renamed course")
    services.page_publish(user=admin_user, page=course)
    with django_capture_on_commit_callbacks(execute=True):
        bus.publish(_published(course, page_ids=[course.pk, lesson.pk]))
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=etags[url])
        assert response.status_code == 200, url
        assert response["ETag"] != etags[url]
        assert b"Renamed" in response.content


# --- invalidation by the event ---------------------------------------------------------------------


def test_the_event_bumps_the_versions_and_the_next_read_is_fresh(
    build_course, auth_client, student, teacher, admin_user, django_capture_on_commit_callbacks
):
    course = build_course(title="Before")
    lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["title"] == "Before"
    assert client.get("/api/v1/courses/").json()["results"][0]["title"] == "Before"
    assert client.get(f"/api/v1/lessons/{lesson.pk}/").json()["course"]["title"] == "Before"
    catalog_token, course_token = store.versions([store.CATALOG, store.course_scope(course.pk)])

    services.course_update(user=teacher, course=course, title="After")
    services.page_publish(user=admin_user, page=course)
    with django_capture_on_commit_callbacks(execute=True):
        bus.publish(_published(course))

    assert store.versions([store.CATALOG, store.course_scope(course.pk)]) != [catalog_token, course_token]
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["title"] == "After"
    assert client.get("/api/v1/courses/").json()["results"][0]["title"] == "After"
    assert client.get(f"/api/v1/lessons/{lesson.pk}/").json()["course"]["title"] == "After"


def test_unpublish_event_handler_called_directly(build_course, auth_client, student, admin_user):
    course = build_course()
    other = build_course(title="Other")
    client = auth_client(student)
    assert client.get("/api/v1/courses/").json()["count"] == 2
    services.page_unpublish(user=admin_user, page=course)
    handlers.on_content_changed(_published(course, change="unpublish", event=ContentUnpublished))
    body = client.get("/api/v1/courses/").json()
    assert [c["id"] for c in body["results"]] == [other.pk]
    assert_error(client.get(f"/api/v1/courses/{course.pk}/"), 404)


def test_the_cache_subscribes_to_both_events():
    for event_type in (ContentPublished, ContentUnpublished):
        assert any(
            s.dotted == "cms.content_cache.handlers.on_content_changed" and not s.job
            for s in bus.subscriptions(event_type)
        )


# --- drafts and per-learner data never in a shared body ---------------------------------------------


def test_drafts_never_enter_a_shared_body(build_course, auth_client, student, teacher):
    course = build_course(modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).first()
    lesson = LessonPage.objects.child_of(module).first()
    draft_lesson = services.lesson_create(user=teacher, parent=module, title="Secret draft lesson")
    services.lesson_update(user=teacher, lesson=lesson, title="Draft title of a live lesson")
    services.course_update(user=teacher, course=course, title="Draft course title")
    client = auth_client(student)
    for url in ("/api/v1/courses/", f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/"):
        assert client.get(url).status_code == 200
    assert_error(client.get(f"/api/v1/lessons/{draft_lesson.pk}/"), 404)

    entries = [
        content_cache.catalog_entry("http://testserver", ""),
        content_cache.course_entry(course.pk),
        content_cache.lesson_entry(lesson.pk, course.pk),
    ]
    for raw in entries:
        assert b"Secret draft" not in raw and b"Draft title" not in raw and b"Draft course" not in raw
    (token,) = store.versions([store.course_scope(course.pk)])
    assert store.get(f"lesson:{draft_lesson.pk}:{token}") is None


def _attachment_lesson(course, teacher, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms import media

    lesson = LessonPage.objects.descendant_of(course).first()
    document = media.document_upload(
        user=teacher, file=SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    )
    body = [{"type": "attachment", "value": {"document": document.pk, "title": "Notes"}}]
    services.lesson_update(user=teacher, lesson=lesson, body=body)
    services.page_publish(user=admin_user, page=LessonPage.objects.get(pk=lesson.pk))
    return lesson, document


def test_two_learners_share_the_body_but_not_their_attachment_links(
    build_course, auth_client, student, teacher, admin_user
):
    from urllib.parse import parse_qs, urlsplit

    from django.core import signing

    from learning.accounts.tests.factories import UserFactory

    course = build_course()
    lesson, document = _attachment_lesson(course, teacher, admin_user)
    other = UserFactory(email="other-learner@example.test", role="student")
    url = f"/api/v1/lessons/{lesson.pk}/"
    mine = auth_client(student).get(url)
    theirs = auth_client(other).get(url)
    assert mine["ETag"] != theirs["ETag"]
    for response, user in ((mine, student), (theirs, other)):
        link = response.json()["body"][0]["value"]["document"]["url"]
        token = parse_qs(urlsplit(link).query)["token"][0]
        payload = signing.TimestampSigner(salt="cms.documents.download").unsign_object(token)
        assert payload == {"d": document.pk, "u": user.pk}
        assert b"__mrictdoc_" not in response.content
        # the link works for its learner (the download re-checks the right)
        assert auth_client(None).get(link).status_code == 200
    # one shared entry: the marker, no learner's token
    raw = content_cache.lesson_entry(lesson.pk, course.pk)
    assert b"__mrictdoc_" in raw and b"token=" not in raw
    # the same learner asking again gets the same bytes (links dated per step): 304 works
    again = auth_client(student).get(url, HTTP_IF_NONE_MATCH=mine["ETag"])
    assert again.status_code == 304


def test_two_learners_progress_through_the_cached_outline(build_course, auth_client, student):
    """Progress reads take the outline from the cache (shared) and the learner's own
    rows from the database: one learner's ticks never reach another."""
    import uuid

    from learning.accounts.tests.factories import UserFactory

    course = build_course(modules=1, lessons_per_module=2)
    first = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    other = UserFactory(email="other-learner@example.test", role="student")
    mine, theirs = auth_client(student), auth_client(other)
    for client in (mine, theirs):
        assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
        assert (
            client.get(f"/api/v1/courses/{course.pk}/progress/").json()["required_completed_count"] == 0
        )  # warms the outline
    event = {
        "event_id": str(uuid.uuid4()),
        "type": "lesson_completed",
        "lesson_id": first.pk,
        "occurred_at": timezone.now().isoformat(),
    }
    assert mine.post("/api/v1/progress/events/", event).json()["accepted"] == 1
    my_progress = mine.get(f"/api/v1/courses/{course.pk}/progress/")
    their_progress = theirs.get(f"/api/v1/courses/{course.pk}/progress/")
    assert (
        my_progress.json()["completed_lesson_ids"] == [first.pk]
        and my_progress.json()["required_completed_count"] == 1
    )
    assert (
        their_progress.json()["completed_lesson_ids"] == []
        and their_progress.json()["required_completed_count"] == 0
    )
    assert mine.get("/api/v1/me/courses/").json()["results"][0]["required_completed_count"] == 1
    assert theirs.get("/api/v1/me/courses/").json()["results"][0]["required_completed_count"] == 0
    assert mine.get(f"/api/v1/courses/{course.pk}/resume/").json()["lesson"]["id"] != first.pk
    assert theirs.get(f"/api/v1/courses/{course.pk}/resume/").json()["lesson"]["id"] == first.pk
    for response in (my_progress, their_progress):
        assert response["Cache-Control"] == "private, no-cache" and "Authorization" in response["Vary"]


# --- catalog keys and search ------------------------------------------------------------------------


def test_catalog_query_is_normalised(build_course, auth_client, student):
    for n in range(3):
        build_course(title=f"CSS course {n}", tags=["css"], summary="Flexbox and grid")
    client = auth_client(student)
    a = client.get("/api/v1/courses/?search=GRID%20%20flexbox&page_size=1&junk=1")
    b = client.get("/api/v1/courses/?page_size=1&search=grid+flexbox")
    assert a.status_code == b.status_code == 200
    assert a.content == b.content and a["ETag"] == b["ETag"]
    assert a.json()["next"] == "http://testserver/api/v1/courses/?page=2&page_size=1&search=grid+flexbox"
    assert content_cache.catalog_query({"page": "1", "page_size": "20", "level": ""}) == ""
    assert content_cache.catalog_query({"level": "expert"}) is None
    # errors are never cached: the same answer every time
    for _ in range(2):
        assert_error(client.get("/api/v1/courses/?level=expert"), 400)
        assert_error(client.get("/api/v1/courses/?page=99"), 404)


def test_search_goes_through_the_search_index(build_course, auth_client, student):
    build_course(title="HTML basics", tags=["html"], summary="Tags and documents")
    build_course(title="CSS layout", tags=["css", "responsive"], summary="Flexbox and grid")
    client = auth_client(student)

    def titles(query):
        return [c["title"] for c in client.get(f"/api/v1/courses/?search={query}").json()["results"]]

    assert titles("grid flexbox") == ["CSS layout"]  # every word, in any order
    assert titles("responsive") == ["CSS layout"]  # a tag
    assert titles("documents") == ["HTML basics"]
    assert titles("grid documents") == []
    # a repeated query is a cache hit
    _fresh_caches()
    titles("grid flexbox")
    response, queries = _count(client, "/api/v1/courses/?search=grid+flexbox")
    assert response.json()["count"] == 1 and len(queries) == _overhead()


# --- warm-up -------------------------------------------------------------------------------------


def test_the_event_queues_the_warm_up_and_the_first_read_is_a_hit(
    build_course, auth_client, student, django_capture_on_commit_callbacks
):
    course = build_course(modules=2, lessons_per_module=2)
    lessons = list(LessonPage.objects.descendant_of(course).live())
    client = auth_client(student)
    client.get("/api/v1/courses/")  # the catalog has been asked on this host
    _fresh_caches()
    store.remember_base_url("http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        bus.publish(_published(course))  # jobs run synchronously in tests (Q_CLUSTER sync)
    (token,) = store.versions([store.course_scope(course.pk)])
    assert store.get(f"course:{course.pk}:{token}") is not None
    assert all(store.get(f"lesson:{lesson.pk}:{token}") is not None for lesson in lessons)
    client.get("/api/v1/courses/")  # the user cache (Redis) is warm too now
    response, queries = _count(client, "/api/v1/courses/")
    assert response.status_code == 200 and len(queries) == _overhead()
    response, queries = _count(client, f"/api/v1/courses/{course.pk}/")
    assert response.status_code == 200 and len(queries) == _overhead()
    # the warm-up also left each lesson's pointer to its course: the first read is a hit
    response, queries = _count(client, f"/api/v1/lessons/{lessons[0].pk}/")
    assert response.status_code == 200 and len(queries) == _overhead(), queries


def test_warm_content_cache_command(build_course, auth_client, student):
    from io import StringIO

    from django.core.management import call_command

    courses = [build_course(title=f"C{n}", modules=1, lessons_per_module=2) for n in range(2)]
    build_course(title="Draft", publish=False)
    _fresh_caches()
    out = StringIO()
    call_command("warm_content_cache", stdout=out)
    assert "6 responses for 2 published courses" in out.getvalue()
    tokens = store.versions([store.course_scope(course.pk) for course in courses])
    for course, token in zip(courses, tokens, strict=True):
        assert store.get(f"course:{course.pk}:{token}") is not None


def test_cache_off_renders_every_time(settings, build_course, auth_client, student, teacher, admin_user):
    settings.CONTENT_CACHE_SECONDS = 0
    course = build_course(title="Before")
    client = auth_client(student)
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["title"] == "Before"
    services.course_update(user=teacher, course=course, title="After")
    services.page_publish(user=admin_user, page=course)
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["title"] == "After"


def test_owner_changes_reach_the_cached_course(
    build_course, auth_client, student, teacher, other_teacher, admin_user
):
    """Owners are not content (no publish): their rows and public names bump the course."""
    course = build_course()
    client = auth_client(student)
    assert [o["id"] for o in client.get(f"/api/v1/courses/{course.pk}/").json()["owners"]] == [teacher.pk]
    services.course_owners_set(actor=admin_user, course=course, owners=[other_teacher.pk])
    assert [o["id"] for o in client.get(f"/api/v1/courses/{course.pk}/").json()["owners"]] == [
        other_teacher.pk
    ]
    other_teacher.display_name = "Grace"
    other_teacher.save()
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["owners"][0]["display_name"] == "Grace"


def test_search_sees_the_tags_of_the_last_publish(
    build_course, auth_client, student, teacher, admin_user, django_capture_on_commit_callbacks
):
    course = build_course(title="Layout", tags=["css"])
    client = auth_client(student)
    assert client.get("/api/v1/courses/?search=flexbox").json()["count"] == 0
    services.course_update(user=teacher, course=course, tags=["css", "flexbox"])
    with django_capture_on_commit_callbacks(execute=True):
        services.page_publish(user=admin_user, page=course)
        bus.publish(_published(course))
    assert [c["id"] for c in client.get("/api/v1/courses/?search=flexbox").json()["results"]] == [course.pk]
