"""The code-snapshot format of a recording, with no database and no HTTP: what one
snapshot may hold, how a diff is written and applied, and where keyframes fall. The
ingestion service and the state read both build on it (docs/recordings.md,
"Snapshots").

A snapshot is what a teacher's editor reported at `t_ms` milliseconds into the video:

    {"id": "c-0001", "t_ms": 1520, "kind": "edit",
     "diff": {"index.html": [[12, 0, "<h1>"]]},
     "cursor": {"path": "index.html", "line": 1, "column": 17}}

* `id`: the client's id of the snapshot, the idempotency key (unique per recording);
* `t_ms`: offset into the video, never below the previous snapshot's;
* `kind`: `edit` (the code changed or the cursor moved), `run` (the teacher ran it),
  `console` (output of that run, in `console`);
* the code, either `files` (the whole state, `{path: content}`) or `diff` against the
  previous snapshot (neither: unchanged). A diff maps a path to `null` (the file is
  gone), a string (the file's whole new content), or a list of splices
  `[at, delete, insert]` applied in order, offsets in Unicode code points of the text
  as it is when that splice applies.

Stored, every snapshot keeps its diff against the previous one, and every
RECORDING_KEYFRAME_EVERY-th snapshot (counting from the last keyframe) also keeps the
full state, so any state is a keyframe plus fewer than that many diffs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from learning.coding.rules import is_file_name, is_text

KINDS = ("edit", "run", "console")
ITEM_KEYS = frozenset({"id", "t_ms", "kind", "files", "diff", "cursor", "console"})
CURSOR_KEYS = frozenset({"path", "line", "column", "anchor_line", "anchor_column"})
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
CURSOR_MAX = 10_000_000  # a line or column number past this is not a real editor's


class SnapshotProblem(Exception):
    """What is wrong with the snapshot at `index` of a batch: `field` is the key at
    fault (None for the item as a whole), `code` a machine-readable reason."""

    def __init__(self, index: int, field: str | None, code: str, detail: str):
        super().__init__(f"snapshot {index}: {detail}")
        self.index = index
        self.field = field
        self.code = code
        self.detail = detail

    @property
    def attr(self) -> str:
        return f"snapshots.{self.index}.{self.field or 'non_field_errors'}"


@dataclass(frozen=True, slots=True)
class SnapshotInput:
    """One snapshot as the client sent it, its shape checked (not yet against the
    snapshots before it)."""

    client_id: str
    t_ms: int
    kind: str
    files: dict[str, str] | None
    diff: dict | None
    cursor: dict | None
    console: str


def _is_int(value) -> bool:
    return type(value) is int


def _text_problem(index: int, field: str, value, limit: int) -> None:
    if not isinstance(value, str) or not is_text(value):
        raise SnapshotProblem(
            index, field, "binary", "Must be text (no control characters but tab and newlines)."
        )
    # len() bounds the UTF-8 size from below (1 byte) and above (4): encode only between.
    if len(value) > limit or (len(value) * 4 > limit and len(value.encode()) > limit):
        raise SnapshotProblem(index, field, "too_large", f"Longer than {limit} bytes.")


def _path_problem(index: int, field: str, path) -> None:
    if not is_file_name(path):
        raise SnapshotProblem(
            index,
            field,
            "invalid_name",
            f"Not a valid file name: {str(path)[:120]!r} (letters, digits, `_.-`, "
            "up to four folders deep, never `..`).",
        )


def snapshot_input_clean(raw, index: int) -> SnapshotInput:
    """The shape of one item: known keys, types, paths, sizes of each piece. Raises
    SnapshotProblem naming the index and the field."""
    if not isinstance(raw, dict):
        raise SnapshotProblem(index, None, "invalid", "Each snapshot must be a JSON object.")
    unknown = [key for key in raw if key not in ITEM_KEYS]
    if unknown:
        raise SnapshotProblem(
            index, None, "unknown_field", f"Unknown field `{str(unknown[0])[:64]}` (see /api/schema/)."
        )
    client_id = raw.get("id")
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise SnapshotProblem(
            index, "id", "invalid", "`id` must be 1-64 characters of letters, digits, `_.:-`."
        )
    t_ms = raw.get("t_ms")
    if not _is_int(t_ms) or t_ms < 0:
        raise SnapshotProblem(
            index, "t_ms", "invalid", "`t_ms` must be a non-negative integer (milliseconds)."
        )
    if t_ms > settings.RECORDING_SNAPSHOT_MAX_T_MS:
        raise SnapshotProblem(
            index, "t_ms", "max_value", f"`t_ms` is past {settings.RECORDING_SNAPSHOT_MAX_T_MS} ms."
        )
    kind = raw.get("kind", "edit")
    if kind not in KINDS:
        raise SnapshotProblem(index, "kind", "invalid_choice", f"`kind` is one of {', '.join(KINDS)}.")
    files = raw.get("files")
    diff = raw.get("diff")
    if files is not None and diff is not None:
        raise SnapshotProblem(index, None, "files_and_diff", "Send `files` or `diff`, not both.")
    if files is not None:
        _files_shape(index, files)
    if diff is not None:
        _diff_shape(index, diff)
    console = raw.get("console", "")
    if console and kind != "console":
        raise SnapshotProblem(index, "console", "not_console", "`console` output belongs to `kind: console`.")
    if console:
        _text_problem(index, "console", console, settings.RECORDING_SNAPSHOT_MAX_CONSOLE_BYTES)
    elif not isinstance(console, str):
        raise SnapshotProblem(index, "console", "invalid", "`console` must be a string.")
    cursor = raw.get("cursor")
    if cursor is not None:
        _cursor_shape(index, cursor)
    return SnapshotInput(client_id, t_ms, kind, files, diff, cursor, console)


def _files_shape(index: int, files) -> None:
    if not isinstance(files, dict):
        raise SnapshotProblem(index, "files", "invalid", "`files` maps each path to its content.")
    if len(files) > settings.RECORDING_SNAPSHOT_MAX_FILES:
        raise SnapshotProblem(
            index, "files", "too_many", f"At most {settings.RECORDING_SNAPSHOT_MAX_FILES} files."
        )
    for path, content in files.items():
        _path_problem(index, "files", path)
        _text_problem(index, "files", content, settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES)


def _diff_shape(index: int, diff) -> None:
    if not isinstance(diff, dict):
        raise SnapshotProblem(index, "diff", "invalid", "`diff` maps each changed path to its change.")
    if len(diff) > settings.RECORDING_SNAPSHOT_MAX_FILES * 2:
        raise SnapshotProblem(index, "diff", "too_many", "The diff names too many files.")
    for path, change in diff.items():
        _path_problem(index, "diff", path)
        if change is None:
            continue
        if isinstance(change, str):
            _text_problem(index, "diff", change, settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES)
            continue
        if not isinstance(change, list) or not change:
            raise SnapshotProblem(
                index, "diff", "invalid", f"The change of {path} must be null, a string or a list of splices."
            )
        for splice in change:
            if not (
                isinstance(splice, list)
                and len(splice) == 3
                and _is_int(splice[0])
                and _is_int(splice[1])
                and splice[0] >= 0
                and splice[1] >= 0
                and isinstance(splice[2], str)
            ):
                raise SnapshotProblem(
                    index,
                    "diff",
                    "invalid",
                    f"A splice of {path} must be [at, delete, insert] (two integers ≥ 0, a string).",
                )
            _text_problem(index, "diff", splice[2], settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES)


def _cursor_shape(index: int, cursor) -> None:
    if not isinstance(cursor, dict) or not cursor.keys() <= CURSOR_KEYS or "path" not in cursor:
        raise SnapshotProblem(
            index,
            "cursor",
            "invalid",
            "`cursor` is {path, line, column} with an optional selection anchor "
            "(anchor_line, anchor_column).",
        )
    _path_problem(index, "cursor", cursor["path"])
    for key in CURSOR_KEYS - {"path"}:
        if key in cursor and not (_is_int(cursor[key]) and 0 <= cursor[key] <= CURSOR_MAX):
            raise SnapshotProblem(
                index, "cursor", "invalid", f"`cursor.{key}` must be a non-negative integer."
            )


# --- diffs ---------------------------------------------------------------------------


def apply_splices(text: str, splices: list, *, index: int = 0, path: str = "") -> str:
    for at, delete, insert in splices:
        if at + delete > len(text):
            raise SnapshotProblem(
                index,
                "diff",
                "splice_out_of_range",
                f"A splice of {path} reaches offset {at + delete}, past the end of the file ({len(text)}).",
            )
        text = text[:at] + insert + text[at + delete :]
    return text


def apply_diff(state: dict[str, str], diff: dict, *, index: int = 0) -> dict[str, str]:
    """The state after `diff` (a new dict; `state` is left as it was)."""
    new = dict(state)
    for path, change in diff.items():
        if change is None:
            if path not in new:
                raise SnapshotProblem(
                    index, "diff", "no_such_file", f"{path} cannot be removed: there is no such file."
                )
            del new[path]
        elif isinstance(change, str):
            new[path] = change
        else:
            new[path] = apply_splices(new.get(path, ""), change, index=index, path=path)
    return new


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice comparisons (C speed)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def splice_between(old: str, new: str) -> list:
    """One splice turning `old` into `new` (the common head and tail kept)."""
    head = _common_prefix(old, new)
    tail = _common_suffix(old, new, min(len(old), len(new)) - head)
    return [head, len(old) - head - tail, new[head : len(new) - tail]]


def diff_between(old: dict[str, str], new: dict[str, str]) -> dict:
    """The diff that turns state `old` into state `new` (a splice per changed file)."""
    diff: dict = {path: None for path in old if path not in new}
    for path, text in new.items():
        before = old.get(path)
        if before == text:
            continue
        diff[path] = text if before is None else [splice_between(before, text)]
    return diff


# --- a chain of snapshots --------------------------------------------------------------


@dataclass(slots=True)
class StoredSnapshot:
    """One snapshot as stored: its place (`seq`, from 0), its diff against the one
    before, and on keyframes the full state."""

    client_id: str
    seq: int
    t_ms: int
    kind: str
    keyframe_seq: int
    diff: dict
    files: dict[str, str] | None
    cursor: dict | None
    console: str


class SnapshotChain:
    """Appends snapshots after the last stored one, checking each against the state it
    lands on: `t_ms` never going back, diffs that apply, the state's size limits. Keeps
    the current state so every snapshot costs one diff application."""

    def __init__(
        self,
        *,
        state: dict[str, str] | None = None,
        next_seq: int = 0,
        last_t_ms: int = 0,
        keyframe_seq: int | None = None,
        keyframe_every: int | None = None,
    ):
        self.state = dict(state or {})
        self.next_seq = next_seq
        self.last_t_ms = last_t_ms
        self.keyframe_seq = keyframe_seq
        self.keyframe_every = max(1, keyframe_every or settings.RECORDING_KEYFRAME_EVERY)
        self.sizes = {path: len(text.encode()) for path, text in self.state.items()}
        self.total = sum(self.sizes.values())

    def append(self, item: SnapshotInput, index: int) -> StoredSnapshot:
        if item.t_ms < self.last_t_ms:
            raise SnapshotProblem(
                index,
                "t_ms",
                "not_monotonic",
                f"`t_ms` {item.t_ms} is before the previous snapshot's ({self.last_t_ms}): "
                "snapshots come in time order, after those already stored.",
            )
        if item.files is not None:
            new_state = dict(item.files)
            diff = diff_between(self.state, new_state)
        else:
            diff = item.diff or {}
            new_state = apply_diff(self.state, diff, index=index) if diff else self.state
        if diff:
            self._check_sizes(new_state, diff, index)
        seq = self.next_seq
        is_keyframe = self.keyframe_seq is None or seq - self.keyframe_seq >= self.keyframe_every
        if is_keyframe:
            self.keyframe_seq = seq
        self.state = new_state
        self.next_seq = seq + 1
        self.last_t_ms = item.t_ms
        return StoredSnapshot(
            client_id=item.client_id,
            seq=seq,
            t_ms=item.t_ms,
            kind=item.kind,
            keyframe_seq=self.keyframe_seq,
            diff=diff,
            files=dict(new_state) if is_keyframe else None,
            cursor=item.cursor,
            console=item.console,
        )

    def _check_sizes(self, state: dict[str, str], diff: dict, index: int) -> None:
        if len(state) > settings.RECORDING_SNAPSHOT_MAX_FILES:
            raise SnapshotProblem(
                index,
                "diff",
                "too_many",
                f"The code would have more than {settings.RECORDING_SNAPSHOT_MAX_FILES} files.",
            )
        for path in diff:
            if path in state:
                size = len(state[path].encode())
                if size > settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES:
                    raise SnapshotProblem(
                        index,
                        "diff",
                        "file_too_large",
                        f"{path} would be {size} bytes; the limit per file is "
                        f"{settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES}.",
                    )
                self.total += size - self.sizes.get(path, 0)
                self.sizes[path] = size
            else:
                self.total -= self.sizes.pop(path, 0)
        if self.total > settings.RECORDING_SNAPSHOT_MAX_BYTES:
            raise SnapshotProblem(
                index,
                "diff",
                "too_large",
                f"The code would be {self.total} bytes; "
                f"the limit is {settings.RECORDING_SNAPSHOT_MAX_BYTES}.",
            )


def state_from_rows(rows) -> dict[str, str]:
    """The state after the last of `rows` (dicts with `files` and `diff`, in seq order,
    the first a keyframe)."""
    rows = list(rows)
    if not rows:
        return {}
    state = dict(rows[0]["files"] or {})
    for row in rows[1:]:
        if row["files"] is not None:
            state = dict(row["files"])
        elif row["diff"]:
            state = apply_diff(state, row["diff"])
    return state
