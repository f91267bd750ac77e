"""Token-fingerprint similarity (learning/coding/similarity.py): what a renamed,
reformatted or commented copy keeps, and what different code or prose does not."""

from learning.coding.similarity import containment, fingerprints, jaccard, normalised_tokens, similarity

REFERENCE = """
function sum(numbers) {
  let total = 0;
  for (const n of numbers) {
    total += n;
  }
  return total;
}
"""


def test_names_numbers_and_strings_are_normalised_keywords_and_members_kept():
    tokens = normalised_tokens("const total = items.reduce((a, b) => a + b, 0); // sum\nlog('x')")
    assert " ".join(tokens) == "const V = V . reduce ( ( V , V ) => V + V , N ) ; V ( S )"


def test_a_renamed_reformatted_commented_copy_is_the_same_code():
    copy = "function add(xs){/* loop */ let acc=0; for(const x of xs){acc+=x} return acc}"
    # the only difference left is the `;` after the increment
    assert similarity(REFERENCE, copy) >= 0.7
    assert similarity(REFERENCE, REFERENCE.replace("numbers", "arr").replace("total", "t")) == 1.0


def test_copy_inside_prose_and_markdown_is_still_found():
    reply = "Sure! Here you go:\n\n" + REFERENCE + "\nThis adds each number to a running total."
    assert similarity(REFERENCE, reply) == 1.0


def test_different_code_and_plain_prose_share_little():
    other = "function sum(numbers) { return numbers.reduce((a, b) => a + b, 0) }"
    assert similarity(REFERENCE, other) < 0.3
    prose = "Think about keeping a running total while you visit every number, then give it back."
    assert similarity(REFERENCE, prose) == 0.0
    assert similarity(REFERENCE, "It's a loop, isn't it? Don't print, return.") == 0.0


def test_half_of_the_solution_is_about_half_contained():
    first_half = "function f(xs) { let t = 0; for (const x of xs) {"
    score = similarity(REFERENCE, first_half)
    assert 0.2 < score < 0.8


def test_edge_cases_and_symmetric_jaccard():
    assert fingerprints("") == set()
    assert len(fingerprints("x")) == 1
    assert containment(set(), {1}) == 0.0
    a, b = fingerprints(REFERENCE), fingerprints("function g(y) { return y * 2 }")
    assert jaccard(a, b) == jaccard(b, a) < 0.2
    assert jaccard(a, a) == 1.0
    # unterminated strings, comments and templates never raise
    assert isinstance(similarity(REFERENCE, "const s = 'oops\n/* open `tick"), float)
