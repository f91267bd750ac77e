"""How alike two pieces of JavaScript are, by token fingerprints (winnowing).

The tutor's output check uses it to tell whether a reply gives away a challenge's
reference solution; a plagiarism check between submissions can use the same
functions. Nothing here touches the database.

The method is the one MOSS made known (Schleimer, Wilkerson, Aiken, "Winnowing: local
algorithms for document fingerprinting", SIGMOD 2003):

1. The text is cut into JavaScript tokens; comments and whitespace go, and so does
   everything a copy can change without changing the program: local names become `V`,
   numbers `N`, strings and template literals `S`. Keywords, punctuation, member names
   after a dot (`.reduce`, `.length`) and well-known globals (`Math`, `console`) stay,
   because they are what a solution is made of.
2. Every run of `k` consecutive tokens (a k-gram) is hashed.
3. In every window of `w` consecutive hashes the smallest is kept (the rightmost on a
   tie). The kept hashes are the fingerprints: any shared run of at least `w + k - 1`
   tokens is guaranteed to share a fingerprint, and noise shorter than `k` is ignored.

Prose around code (a tutor's reply) tokenises as names and punctuation too; it rarely
forms the k-grams of real code, so a reply can be checked whole, fenced or not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

KGRAM = 5
WINDOW = 4

_KEYWORDS_WORDS = """
    async await break case catch class const continue debugger default delete do else export
    extends false finally for function if import in instanceof let new null of return static
    super switch this throw true try typeof undefined var void while with yield
    """
KEYWORDS = frozenset(_KEYWORDS_WORDS.split())

# Names of the platform a solution calls by name; renaming them changes the program.
_GLOBALS_WORDS = """
    Array Boolean Date Error JSON Map Math Number Object Promise RegExp Set String Symbol
    console document window parseInt parseFloat isNaN prompt readline require module exports
    """
GLOBALS = frozenset(_GLOBALS_WORDS.split())

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<comment>//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))
    | (?P<template>`(?:\\[\s\S]|[^\\`])*(?:`|\Z))
    | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
    | (?P<number>0[xXbBoO][0-9a-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?)
    | (?P<name>[A-Za-z_$][\w$]*)
    | (?P<punct>>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.|\+\+|--|
                 \+=|-=|\*=|/=|%=|&=|\|=|\^=|\*\*|<<|>>|[{}()\[\];,.<>+\-*/%&|^!~?:=@\#])
    | (?P<other>.)
    """,
    re.VERBOSE,
)


def normalised_tokens(source: str) -> list[str]:
    """The tokens of `source` with names, numbers and strings normalised (see above)."""
    tokens: list[str] = []
    after_dot = False
    for match in _TOKEN.finditer(source or ""):
        kind = match.lastgroup
        text = match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "name":
            if text in KEYWORDS or text in GLOBALS or after_dot:
                tokens.append(text)
            else:
                tokens.append("V")
        elif kind == "number":
            tokens.append("N")
        elif kind in ("string", "template"):
            tokens.append("S")
        elif kind == "punct":
            tokens.append(text)
        else:  # a stray character (an apostrophe in prose, an emoji): a boundary, no meaning
            tokens.append("?")
        after_dot = text in (".", "?.")
    return tokens


def _hash(gram: Iterable[str]) -> int:
    digest = hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fingerprints(source: str, *, k: int = KGRAM, w: int = WINDOW) -> set[int]:
    """The winnowed fingerprints of `source` (a set of 64-bit hashes). A text shorter
    than one k-gram has the hash of all its tokens as its one fingerprint; an empty one
    has none."""
    tokens = normalised_tokens(source)
    if not tokens:
        return set()
    if len(tokens) < k:
        return {_hash(tokens)}
    hashes = [_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]
    if len(hashes) <= w:
        return {min(hashes)}
    kept: set[int] = set()
    for start in range(len(hashes) - w + 1):
        window = hashes[start : start + w]
        smallest = min(window)
        kept.add(smallest)
    return kept


def containment(reference: set[int], candidate: set[int]) -> float:
    """How much of `reference` is in `candidate` (0..1): the share of the reference's
    fingerprints the candidate has too. The measure for "does this text contain that
    code", whatever else the text holds."""
    if not reference:
        return 0.0
    return len(reference & candidate) / len(reference)


def jaccard(a: set[int], b: set[int]) -> float:
    """Symmetric similarity of two fingerprint sets (0..1): for comparing two
    submissions with each other."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(reference_source: str, candidate_source: str) -> float:
    """Containment of `reference_source`'s fingerprints in `candidate_source`'s."""
    return containment(fingerprints(reference_source), fingerprints(candidate_source))
