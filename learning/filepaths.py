"""The one rule for the paths of a learner's text files, below the API layer.

Code runs and drafts (learning/coding/rules.py `is_file_name`), project workspaces,
project templates and zip imports (learning/projects) all ask this module whether a
path may name a file, so a path refused in one place is refused everywhere, with the
same error code. What a path must be:

- text in Unicode NFC (`path_normalise` turns a decomposed "é" into the composed one
  before the rule is applied, so two spellings of one name are one name);
- relative, `/`-separated: no leading `/`, no backslash, no drive (`C:`), no empty,
  `.` or `..` segment;
- no control character (C0, DEL, C1), no format character (bidi overrides, zero-width
  joiners: names that display as something else), none of `<>:"|?*`;
- no segment that Windows reserves (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`,
  `LPT1`-`LPT9`, with or without an extension, any case), none ending in a space or a
  dot (Windows drops them, so `a.` and `a` are one file there);
- at most `max_depth` segments and `max_chars` characters (a segment: at most 100);
- `portable=True` (code runs, drafts: their names reach the V8 module loader) further
  keeps to ASCII letters, digits and `_.-`, a segment starting with a letter, digit or `_`.

Across a set of paths (`paths_problem`): no two equal once case-folded (`Index.html`
and `index.html` are one file on macOS and Windows, and in a zip unpacked there), and
no path both a file and a folder (`a` and `a/b`).

Each problem is a (message, code) pair; the codes are part of the API (docs/projects.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
FORBIDDEN_CHARACTERS = set('<>:"|?*\\')
PORTABLE_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
MAX_SEGMENT_CHARS = 100

INVALID = "invalid_path"
ABSOLUTE = "absolute_path"
TRAVERSAL = "path_traversal"
RESERVED_NAME = "reserved_name"
TOO_DEEP = "path_too_deep"
TOO_LONG = "path_too_long"
DUPLICATE = "duplicate_path"
FILE_FOLDER_CLASH = "path_clash"


def path_normalise(path: str) -> str:
    """The NFC form of `path` (apply the rule to this, and store this)."""
    return unicodedata.normalize("NFC", path)


def _bad_character(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch in FORBIDDEN_CHARACTERS or category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def path_problem(
    path, *, max_depth: int = 8, max_chars: int = 255, portable: bool = False
) -> tuple[str, str] | None:
    """What is wrong with one path (already NFC: see path_normalise), or None."""
    if not isinstance(path, str) or not path:
        return "Give a file path.", INVALID
    if path != path_normalise(path):
        return "The path is not in Unicode NFC form.", INVALID
    if "\\" in path:
        return "Use `/` to separate folders, not a backslash.", INVALID
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "The path must be relative to the project (no leading `/` or drive).", ABSOLUTE
    segments = path.split("/")
    if any(segment in {".", ".."} for segment in segments):
        return "The path may not contain `.` or `..` segments.", TRAVERSAL
    if len(path) > max_chars:
        return f"The path is longer than {max_chars} characters.", TOO_LONG
    if len(segments) > max_depth:
        return f"The path is deeper than {max_depth} levels.", TOO_DEEP
    for segment in segments:
        if not segment:
            return "The path has an empty segment (`//` or a trailing `/`).", INVALID
        if len(segment) > MAX_SEGMENT_CHARS:
            return f"A name in the path is longer than {MAX_SEGMENT_CHARS} characters.", TOO_LONG
        if any(_bad_character(ch) for ch in segment):
            return "The path contains a control, format or reserved character.", INVALID
        if segment != segment.strip() or segment.endswith("."):
            return "A name may not start or end with a space, nor end with a dot.", INVALID
        if RESERVED.match(segment):
            return f"`{segment}` is a reserved name on Windows.", RESERVED_NAME
        if portable and not PORTABLE_SEGMENT.match(segment):
            return "Use letters, digits, `_`, `.` and `-` only.", INVALID
    return None


def paths_problem(files: Iterable[str], folders: Iterable[str] = ()) -> tuple[str, str, str] | None:
    """What is wrong with a set of (valid) file and folder paths taken together, as
    (path, message, code), or None: case-insensitive duplicates, a file that is also a
    folder (or the parent of another path)."""
    seen: dict[str, str] = {}
    file_keys = set()
    for path in files:
        key = path.casefold()
        if key in seen:
            return path, f"`{path}` and `{seen[key]}` are the same name once case is ignored.", DUPLICATE
        seen[key] = path
        file_keys.add(key)
    folder_keys = set()
    for path in folders:
        key = path.casefold()
        if key in file_keys:
            return path, f"`{path}` is both a file and a folder.", FILE_FOLDER_CLASH
        folder_keys.add(key)
    for key, path in seen.items():
        parts = key.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in file_keys:
                return path, f"`{path}` lies under a file, not a folder.", FILE_FOLDER_CLASH
    return None
