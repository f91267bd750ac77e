"""The index build and retrieval (issue 13, items 2 and 3) with the real embedding model
and a real FAISS index written to storage, from small curricula made in the test."""

import copy
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tutor import retrieval
from tutor.indexing import store_load
from tutor.models import IndexVersion
from tutor.retrieval import IndexNotBuilt, Passage, retrieve

from .conftest import HIDDEN_TEST, SECRET_SOLUTION, small_curriculum

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]


def build(path) -> IndexVersion:
    out = io.StringIO()
    call_command("build_tutor_index", "--from", str(path), stdout=out)
    assert "active:" in out.getvalue(), out.getvalue()
    return IndexVersion.objects.get(is_active=True)


def test_build_from_a_file_writes_a_version_to_storage_and_retrieval_finds_the_lesson(curriculum_file):
    out = io.StringIO()
    call_command("build_tutor_index", "--from", str(curriculum_file()), stdout=out)
    row = IndexVersion.objects.get(is_active=True)
    assert row.kind == "file"
    assert row.course_ids == [101, 102]
    assert row.chunk_count == row.embedded_count == 6  # 4 sections, 1 challenge, 1 glossary term
    # a progress line outside a terminal
    assert "embedding 6 passages" in out.getvalue()
    for name in ("index.faiss", "index.json"):
        assert default_storage.exists(f"tutor-index/{row.version}/{name}")

    passages = retrieve("how does my computer turn a website name into a number", k=3)
    assert all(isinstance(p, Passage) for p in passages)
    top = passages[0]
    assert (top.lesson_id, top.lesson_title, top.section_anchor, top.course_id) == (302, "DNS", "top", 101)
    assert top.chunk_id == "c101-l302-top-0"
    assert "domain name system" in top.text
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert -1.0 <= passages[-1].score <= top.score <= 1.0

    subnet = retrieve("what splits an address into network and host parts?", k=1)[0]
    assert (subnet.lesson_id, subnet.section_anchor) == (301, "subnets")
    glossary = retrieve("what device forwards packets between networks", k=1)[0]
    assert glossary.section_anchor == "glossary-router" and glossary.lesson_id == 301


def test_filters_by_course_and_lesson(curriculum_file):
    build(curriculum_file())
    question = "how does my computer turn a website name into a number"
    assert {p.course_id for p in retrieve(question, k=5, course_id=102)} == {102}
    only = retrieve(question, k=5, lesson_id=301)
    assert {p.lesson_id for p in only} == {301} and len(only) == 3  # two sections and the glossary term
    assert retrieve(question, k=5, course_id=101, lesson_id=303) == []
    assert retrieve(question, k=5, course_id=999) == []
    assert len(retrieve(question, k=50)) == 6


def test_no_index_and_bad_queries_are_clear_errors(curriculum_file):
    with pytest.raises(IndexNotBuilt, match="manage.py build_tutor_index"):
        retrieve("what is DNS?")
    build(curriculum_file())
    for bad in ("", "   \n\t "):
        with pytest.raises(ValueError, match="empty"):
            retrieve(bad)
    with pytest.raises(ValueError, match="too long"):
        retrieve("x" * 2001)
    with pytest.raises(ValueError, match="question must be text"):
        retrieve(None)
    for k in (0, 101, "5", True):
        with pytest.raises(ValueError, match="k must be"):
            retrieve("what is DNS?", k=k)


def test_private_content_and_hints_are_never_embedded(curriculum_file):
    row = build(curriculum_file())
    stored = b"".join(
        default_storage.open(f"tutor-index/{row.version}/{name}").read()
        for name in ("index.json", "index.faiss")
    )
    for secret in ("zebraAcc", "pangolinValue", "secret pangolin case", "Use reduce with an accumulator"):
        assert secret.encode() not in stored, secret
    # what the challenge shows learners is there
    store = store_load(row.version)
    challenge = next(d for d in store.documents.values() if d.meta["kind"] == "challenge")
    assert "Write quokkaTotal(xs) returning the sum" in challenge.content
    assert "sums a list" in challenge.content
    for query in (SECRET_SOLUTION, HIDDEN_TEST):
        assert all("zebraAcc" not in p.text and "pangolin" not in p.text for p in retrieve(query, k=10))


def test_an_active_version_whose_files_are_gone_is_a_clear_error(curriculum_file):
    row = build(curriculum_file())
    retrieval.loaded_index()
    default_storage.delete(f"tutor-index/{row.version}/index.faiss")
    row.delete()
    lost = IndexVersion.objects.create(version="lost-1", kind="full", embedding_model="m", is_active=True)
    with pytest.raises(
        IndexNotBuilt, match=r"The active tutor index lost-1 cannot be read .*build_tutor_index"
    ):
        retrieve("what is DNS?")
    lost.delete()


def test_unchanged_passages_keep_their_embeddings(curriculum_file):
    first = build(curriculum_file())
    again = build(curriculum_file())
    assert again.version != first.version and again.embedded_count == 0 and again.chunk_count == 6
    changed = small_curriculum()
    changed["courses"][0]["modules"][0]["lessons"][1]["sections"][0]["text"] = (
        "Caching resolvers remember answers for the time to live of each record."
    )
    third = build(curriculum_file(changed))
    assert third.embedded_count == 1
    assert retrieve("how long does a resolver remember an answer?", k=1)[0].lesson_id == 302


def test_index_is_loaded_once_and_reloaded_when_the_active_version_changes(curriculum_file, settings):
    first = build(curriculum_file())
    loaded = retrieval.loaded_index()
    assert retrieval.loaded_index() is loaded and loaded.version == first.version

    grown = small_curriculum()
    grown["courses"][1]["modules"][0]["lessons"].append(
        {
            "id": 304,
            "slug": "charts",
            "title": "Charts",
            "sections": [
                {"anchor": "top", "title": "Charts", "text": "A pie chart shows parts of a whole as slices."}
            ],
        }
    )
    second = build(curriculum_file(grown))  # switched in this process: seen at once
    assert retrieval.loaded_index().version == second.version
    assert retrieve("which diagram shows shares of a total as slices", k=1)[0].lesson_id == 304

    # Another process switches back to the first version (its own transaction): this
    # one notices at its next check, not before.
    settings.TUTOR_INDEX_RELOAD_CHECK_SECONDS = 3600
    IndexVersion.objects.filter(pk=second.pk).update(is_active=False)
    IndexVersion.objects.filter(pk=first.pk).update(is_active=True)
    assert retrieval.loaded_index().version == second.version
    settings.TUTOR_INDEX_RELOAD_CHECK_SECONDS = 0
    assert retrieval.loaded_index().version == first.version
    assert all(p.lesson_id != 304 for p in retrieve("which diagram shows shares of a total as slices", k=6))


def test_old_versions_are_pruned_from_storage(curriculum_file, settings, django_capture_on_commit_callbacks):
    settings.TUTOR_INDEX_KEEP_VERSIONS = 1
    rows = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            rows.append(build(curriculum_file()))
    assert list(IndexVersion.objects.order_by("pk").values_list("version", flat=True)) == [
        rows[1].version,
        rows[2].version,
    ]
    assert not default_storage.exists(f"tutor-index/{rows[0].version}/index.faiss")
    assert default_storage.exists(f"tutor-index/{rows[1].version}/index.faiss")
    assert retrieve("what is DNS?", k=1)[0].lesson_id == 302


def test_build_refuses_an_invalid_file_and_keeps_the_active_index(curriculum_file):
    good = build(curriculum_file())
    bad = copy.deepcopy(small_curriculum())
    bad["courses"][1]["modules"][0]["lessons"][0]["id"] = "303"
    with pytest.raises(
        CommandError, match=r"\$\.courses\[1\]\.modules\[0\]\.lessons\[0\]\.id: '303' is not of type"
    ):
        call_command(
            "build_tutor_index", "--from", str(curriculum_file(bad, "bad.json")), stdout=io.StringIO()
        )
    assert IndexVersion.objects.get(is_active=True) == good


def test_query_embeddings_are_kept_in_a_bounded_lru_cache(curriculum_file, settings):
    build(curriculum_file())
    settings.TUTOR_QUERY_CACHE_SIZE = 2
    retrieval._cache.clear()
    first = retrieval.query_vector("what is DNS?")
    assert retrieval.query_vector("what is DNS?") is first  # the cached array, not a new embedding
    # whitespace is normalised before the cache: the same question hits it
    retrieve("  what   is DNS? ", k=1)
    assert list(retrieval._cache) == ["what is DNS?"]
    retrieve("what is a subnet?", k=1)
    retrieve("what is a router?", k=1)
    assert list(retrieval._cache) == ["what is a subnet?", "what is a router?"]
    assert retrieval.query_vector("what is DNS?") is not first  # evicted, embedded again
