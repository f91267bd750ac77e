"""Fixtures of the tutor's tests: the real embedding model, loaded once per session,
and small curriculum documents made in the test."""

import json

import pytest


@pytest.fixture(scope="session")
def embedding_model():
    """all-MiniLM-L6-v2 from its package, loaded once for the whole session (the
    embedders are per-process singletons; this only makes the first load happen here)."""
    from tutor.embedding import document_embedder, embed_query, text_embedder

    document_embedder()
    text_embedder()
    assert len(embed_query("warm up")) == 384
    return True


@pytest.fixture(autouse=True)
def _tutor_settings(settings):
    # Every retrieve asks the database which version is active: tests switch versions
    # (and roll them back) faster than the default check interval.
    settings.TUTOR_INDEX_RELOAD_CHECK_SECONDS = 0
    settings.TUTOR_CHUNK_WORDS = 120
    settings.TUTOR_CHUNK_OVERLAP_WORDS = 30


SECRET_SOLUTION = "function quokkaTotal(xs) { return xs.reduce((zebraAcc, x) => zebraAcc + x, 0); }"
HIDDEN_TEST = "assert.strictEqual(quokkaTotal([pangolinValue]), 7);"


def lesson(lesson_id, title, sections, challenges=()):
    return {
        "id": lesson_id,
        "slug": f"lesson-{lesson_id}",
        "title": title,
        "sections": [
            {"anchor": anchor, "title": heading, "level": "h2", "text": text, "code_examples": []}
            for anchor, heading, text in sections
        ],
        "challenges": list(challenges),
    }


def small_curriculum() -> dict:
    """Two courses on unrelated topics, one challenge with a private solution and a
    hidden test that must never reach the index."""
    return {
        "format": "mrict-curriculum",
        "version": 1,
        "courses": [
            {
                "id": 101,
                "slug": "networks",
                "title": "Computer networks",
                "modules": [
                    {
                        "id": 201,
                        "title": "The internet",
                        "lessons": [
                            lesson(
                                301,
                                "IP addresses",
                                [
                                    (
                                        "top",
                                        "IP addresses",
                                        "Every device on a network gets a numeric address. IPv4 addresses "
                                        "are four numbers from 0 to 255 separated by dots.",
                                    ),
                                    (
                                        "subnets",
                                        "Subnets",
                                        "A subnet mask splits the address into a network part and a host "
                                        "part, so routers know which machines are local.",
                                    ),
                                ],
                            ),
                            lesson(
                                302,
                                "DNS",
                                [
                                    (
                                        "top",
                                        "DNS",
                                        "The domain name system turns names like example.org into the "
                                        "numeric addresses computers use, asking resolvers and name servers.",
                                    )
                                ],
                            ),
                        ],
                    }
                ],
                "glossary": [
                    {
                        "term": "Router",
                        "definition": "A device that forwards packets between networks.",
                        "lesson_id": 301,
                    }
                ],
            },
            {
                "id": 102,
                "slug": "spreadsheets",
                "title": "Spreadsheets",
                "modules": [
                    {
                        "id": 202,
                        "title": "Formulas",
                        "lessons": [
                            lesson(
                                303,
                                "Cell references",
                                [
                                    (
                                        "top",
                                        "Cell references",
                                        "A formula refers to other cells by column letter and row number. "
                                        "A dollar sign makes a reference absolute so it does not shift when "
                                        "the formula is copied.",
                                    )
                                ],
                                challenges=[
                                    {
                                        "id": 401,
                                        "slug": "total",
                                        "title": "Add up a column",
                                        "prompt": "Write quokkaTotal(xs) returning the sum of the numbers.",
                                        "hints": ["Start from zero.", "Use reduce with an accumulator."],
                                        "tests": [
                                            {"description": "sums a list", "kind": "assert", "code": "x"}
                                        ],
                                        "private": {
                                            "reference_solution": SECRET_SOLUTION,
                                            "tests": [
                                                {
                                                    "description": "secret pangolin case",
                                                    "kind": "assert",
                                                    "code": HIDDEN_TEST,
                                                    "hidden": True,
                                                }
                                            ],
                                        },
                                    }
                                ],
                            )
                        ],
                    }
                ],
            },
        ],
    }


@pytest.fixture
def curriculum_file(tmp_path):
    def write(document=None, name="curriculum.json"):
        path = tmp_path / name
        path.write_text(json.dumps(document if document is not None else small_curriculum()))
        return path

    return write
