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


# --- plagiarism checks between submissions (docs/similarity.md) ----------------------
#
# The same winnowing, over whole submissions: every file of a submission is tokenised
# by its kind (JavaScript above, HTML and CSS below) with the line each token starts
# on, so a match can be shown as line ranges of both sides. Fingerprints that the
# challenge's starter code or reference solution also has are not evidence (everyone
# was given the first; the second is what a correct answer looks like) and are removed
# before any comparison.

import bisect  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

_HTML = re.compile(
    r"""
    (?P<comment><!--[\s\S]*?(?:-->|\Z))
    | (?P<doctype><![^>]*>)
    | (?P<raw><(?P<rawtag>script|style)\b(?P<rawattrs>[^>]*)>(?P<rawbody>[\s\S]*?)(?:</(?P=rawtag)\s*>|\Z))
    | (?P<end></\s*(?P<endtag>[A-Za-z][\w-]*)\s*>)
    | (?P<start><(?P<tag>[A-Za-z][\w-]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>)
    | (?P<text>[^<]+)
    | (?P<other><)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ATTR = re.compile(r"""(?P<name>[^\s=/>"']+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>]+))?""")
# attribute values that name things the page defines (renamable, like variables)
_NAME_ATTRS = frozenset({"class", "id", "for", "name"})

_CSS = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<comment>/\*[\s\S]*?(?:\*/|\Z))
    | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
    | (?P<hash>\#[\w-]+)
    | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:%|[A-Za-z]+)?)
    | (?P<name>-?[A-Za-z_][\w-]*)
    | (?P<punct>[{}()\[\];:,.>+~*=^$|!/@])
    | (?P<other>.)
    """,
    re.VERBOSE,
)
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _line_index(text: str):
    starts = [i for i, ch in enumerate(text) if ch == "\n"]
    return lambda offset: bisect.bisect_right(starts, offset - 1) + 1


def js_tokens_with_lines(source: str, *, first_line: int = 1) -> list[tuple[str, int]]:
    """`normalised_tokens`, each with the line it starts on, without semicolons."""
    line_of = _line_index(source or "")
    out: list[tuple[str, int]] = []
    after_dot = False
    for match in _TOKEN.finditer(source or ""):
        kind, text = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "name":
            symbol = text if (text in KEYWORDS or text in GLOBALS or after_dot) else "V"
        elif kind == "number":
            symbol = "N"
        elif kind in ("string", "template"):
            symbol = "S"
        elif kind == "punct":
            if text == ";":  # optional in JavaScript: with or without them is a disguise
                after_dot = False
                continue
            symbol = text
        else:
            symbol = "?"
        out.append((symbol, line_of(match.start()) + first_line - 1))
        after_dot = text in (".", "?.")
    return out


def css_tokens_with_lines(source: str, *, first_line: int = 1) -> list[tuple[str, int]]:
    """CSS: property names, keywords, element selectors and punctuation stay; class and
    id names become `V`, numbers (with their unit) and colours `N`, strings `S`."""
    line_of = _line_index(source or "")
    out: list[tuple[str, int]] = []
    depth = 0
    after_dot = False
    for match in _CSS.finditer(source or ""):
        kind, text = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "hash":
            symbol = "N" if depth and _HEX_COLOUR.match(text) else "#V"
        elif kind == "number":
            symbol = "N"
        elif kind == "string":
            symbol = "S"
        elif kind == "name":
            symbol = "V" if after_dot and not depth else text.lower()
        elif kind == "punct":
            if text == ";":  # optional before `}`: its presence is layout
                after_dot = False
                continue
            symbol = text
            depth += {"{": 1, "}": -1}.get(text, 0)
            depth = max(depth, 0)
        else:
            symbol = "?"
        out.append((symbol, line_of(match.start()) + first_line - 1))
        after_dot = text == "."
    return out


def html_tokens_with_lines(source: str) -> list[tuple[str, int]]:
    """HTML: tag and attribute names stay; values of class/id/for/name become `V`,
    other values `S`; each run of text becomes one `T`; inline scripts and style
    sheets are tokenised as JavaScript and CSS."""
    source = source or ""
    line_of = _line_index(source)
    out: list[tuple[str, int]] = []

    def attributes(text: str, line: int) -> None:
        for attr in _ATTR.finditer(text or ""):
            name = attr.group("name").lower()
            out.append((name, line))
            if attr.group("value") is not None:
                out.append(("=", line))
                out.append(("V" if name in _NAME_ATTRS else "S", line))

    for match in _HTML.finditer(source):
        kind = match.lastgroup
        line = line_of(match.start())
        if kind in ("comment", "doctype"):
            continue
        if kind == "raw":
            tag = match.group("rawtag").lower()
            out.append((f"<{tag}", line))
            attributes(match.group("rawattrs"), line)
            out.append((">", line))
            body = match.group("rawbody") or ""
            body_line = line_of(match.start("rawbody"))
            tokenise = js_tokens_with_lines if tag == "script" else css_tokens_with_lines
            out.extend(tokenise(body, first_line=body_line))
            out.append((f"</{tag}>", line_of(match.end() - 1)))
        elif kind == "start":
            out.append((f"<{match.group('tag').lower()}", line))
            attributes(match.group("attrs").rstrip("/"), line)
            out.append((">", line))
        elif kind == "end":
            out.append((f"</{match.group('endtag').lower()}>", line))
        elif kind == "text":
            text = match.group()
            if text.strip():
                out.append(("T", line + text[: len(text) - len(text.lstrip())].count("\n")))
        else:
            out.append(("<", line))
    return out


_FILE_ORDER = {"html": 0, "css": 1, "javascript": 2}
_KIND_BY_EXTENSION = {
    ".html": "html",
    ".htm": "html",
    ".css": "css",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
}


def _file_kind(name: str) -> str:
    lowered = (name or "").lower()
    for extension, kind in _KIND_BY_EXTENSION.items():
        if lowered.endswith(extension):
            return kind
    return ""


def file_tokens(name: str, content: str) -> list[tuple[str, int]]:
    kind = _file_kind(name)
    if kind == "html":
        return html_tokens_with_lines(content)
    if kind == "css":
        return css_tokens_with_lines(content)
    if kind == "javascript":
        return js_tokens_with_lines(content)
    return []  # JSON, Markdown...: not compared


@dataclass
class Document:
    """One submission (or a starter / reference) ready to compare: its token stream
    with positions, its fingerprints and where each one is."""

    tokens: list[str]
    positions: list[tuple[str, int]]  # (file name, line) of each token
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # hash -> token spans

    @property
    def fingerprints(self) -> set[int]:
        return set(self.spans)


def document(files: Iterable[tuple[str, str]], *, k: int = KGRAM, w: int = WINDOW) -> Document:
    """The document of a set of (file name, content): files in a fixed order (HTML,
    CSS, JavaScript, then by name), so moving code between files of the same kind
    changes little and reordering the file list changes nothing."""
    ordered = sorted(files, key=lambda f: (_FILE_ORDER.get(_file_kind(f[0]), 9), f[0]))
    tokens: list[str] = []
    positions: list[tuple[str, int]] = []
    for name, content in ordered:
        for token, line in file_tokens(name, content):
            tokens.append(token)
            positions.append((name, line))
    doc = Document(tokens=tokens, positions=positions)
    if len(tokens) < k:
        return doc
    hashes = [_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]
    picked: set[int] = set()
    for start in range(max(1, len(hashes) - w + 1)):
        window = hashes[start : start + w]
        smallest = min(window)
        # the rightmost minimum (the paper's rule), as an index into `hashes`
        picked.add(start + len(window) - 1 - window[::-1].index(smallest))
    for i in sorted(picked):
        doc.spans.setdefault(hashes[i], []).append((i, i + k - 1))
    return doc


def token_hash(files: Iterable[tuple[str, str]]) -> str:
    """A hash of the submission's normalised token stream: equal for copies that differ
    only in names, literals, whitespace, comments or file order. Empty for no code."""
    return document_hash(document(files))


def document_hash(doc: Document) -> str:
    """`token_hash` of a document already built."""
    if not doc.tokens:
        return ""
    return hashlib.sha256("\x1f".join(doc.tokens).encode()).hexdigest()


def pair_score(a: set[int], b: set[int]) -> float:
    """How alike two submissions are (0..1), from their own fingerprints (the base's
    already removed): the share of the smaller one found in the larger, so extra code
    added to a copy does not hide it, tempered by the size ratio so a tiny submission
    is not "contained" in every big one: |A∩B| / max(min(|A|,|B|), max(|A|,|B|)/2)."""
    if not a or not b:
        return 0.0
    small, big = sorted((len(a), len(b)))
    return len(a & b) / max(small, big / 2)


def _merge(lines: list[tuple[str, int]]) -> list[dict]:
    """(file, line) pairs as sorted, merged {file, start, end} ranges."""
    ranges: list[dict] = []
    for file, line in sorted(set(lines)):
        last = ranges[-1] if ranges else None
        if last and last["file"] == file and line <= last["end"] + 1:
            last["end"] = max(last["end"], line)
        else:
            ranges.append({"file": file, "start": line, "end": line})
    return ranges


def matching_ranges(doc: Document, shared: set[int]) -> list[dict]:
    """The line ranges of `doc` covered by the shared fingerprints."""
    lines: list[tuple[str, int]] = []
    for fingerprint in shared:
        for start, end in doc.spans.get(fingerprint, ()):
            positions = doc.positions[start : end + 1]
            for file in {p[0] for p in positions}:
                in_file = [line for f, line in positions if f == file]
                # the whole lines the k-gram spans (a comment line inside it included)
                lines.extend((file, line) for line in range(min(in_file), max(in_file) + 1))
    return _merge(lines)


@dataclass(frozen=True)
class Match:
    a: int  # index of the first document
    b: int
    score: float
    shared: frozenset[int]


def similar_pairs(
    docs: list[Document],
    *,
    base: set[int] = frozenset(),
    threshold: float,
    common_docs: int = 10,
    min_fingerprints: int = 4,
    owners: list | None = None,
) -> list[Match]:
    """Every pair of `docs` whose score is at least `threshold`, found through an
    inverted index (fingerprint -> documents), so only pairs that share something are
    scored. `base` (the starter's and reference's fingerprints) is removed first; a
    fingerprint found in more than `common_docs` documents is an idiom of the challenge
    (MOSS's -m), not evidence, and is ignored; a document with fewer than
    `min_fingerprints` of its own is too small to judge. Pairs of the same owner (when
    `owners` is given) are skipped."""
    own = [doc.fingerprints - set(base) for doc in docs]
    index: dict[int, list[int]] = {}
    for i, fps in enumerate(own):
        if len(fps) < min_fingerprints:
            continue
        for fingerprint in fps:
            index.setdefault(fingerprint, []).append(i)
    common = {fp for fp, holders in index.items() if len(holders) > common_docs}
    shared_counts: dict[tuple[int, int], int] = {}
    for fp, holders in index.items():
        if fp in common or len(holders) < 2:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                key = (holders[x], holders[y])
                shared_counts[key] = shared_counts.get(key, 0) + 1
    sizes = [len(fps - common) for fps in own]
    matches = []
    for (i, j), count in shared_counts.items():
        if owners is not None and owners[i] == owners[j]:
            continue
        small, big = sorted((sizes[i], sizes[j]))
        if not small:
            continue
        score = count / max(small, big / 2)
        if score >= threshold:
            matches.append(
                Match(a=i, b=j, score=round(min(score, 1.0), 4), shared=frozenset((own[i] & own[j]) - common))
            )
    return matches
