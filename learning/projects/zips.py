"""Zip export (streamed) and import (checked entry by entry while reading).

Import refuses, each with its own code (docs/projects.md), before anything is written:
a file that is not a zip (`zip_invalid`), an upload above PROJECT_ZIP_MAX_BYTES
(`zip_too_large`), more than PROJECT_ZIP_MAX_ENTRIES entries (`zip_too_many_entries`),
encrypted entries (`zip_encrypted`), symlinks and other special files by their Unix
mode in the external attributes (`zip_symlink`, `zip_special_file`), any path the shared
rule refuses (`absolute_path`, `path_traversal`, `reserved_name`, `invalid_path` for NUL
or backslashes...), two entries with one name once case-folded (`duplicate_path`), an
entry whose declared size is above PROJECT_MAX_FILE_BYTES (`file_too_large`), declared
sizes adding up past PROJECT_MAX_BYTES (`project_too_large`), an entry of 4 KiB or more
compressed more than PROJECT_ZIP_MAX_RATIO times (`zip_bomb`), an entry that inflates to
more (or less) than it declared (`zip_size_mismatch`: the reader stops at the declared
size + 1 byte, so a lying header costs nothing), a damaged entry (`zip_invalid`), and
text that is not UTF-8 (`not_utf8`). The resulting tree then passes the same
rules.tree_clean as any other write (file count, extensions, control characters).
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings

from learning.filepaths import path_normalise

from .rules import ProjectProblem, clean_path

RATIO_MIN_BYTES = 4096
CHUNK = 65536
IGNORED_PREFIXES = ("__MACOSX/",)
IGNORED_NAMES = (".DS_Store",)


class _Sink:
    """A write-only, non-seekable stream for ZipFile: what was written since the last
    drain() (ZipFile then writes data descriptors, as for a pipe)."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def project_zip_stream(*, files: list[dict], folders: list[str]) -> Iterator[bytes]:
    """The project as a zip, one file at a time (never the whole archive in memory)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            info = zipfile.ZipInfo(folder + "/")
            info.external_attr = (stat.S_IFDIR | 0o755) << 16
            archive.writestr(info, b"")
            yield sink.drain()
        for item in files:
            info = zipfile.ZipInfo(item["path"])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.flag_bits |= 0x800  # the name is UTF-8
            archive.writestr(info, item["content"].encode())
            yield sink.drain()
    yield sink.drain()


def _entry_problem(info: zipfile.ZipInfo) -> ProjectProblem | None:
    if info.flag_bits & 0x1:
        return ProjectProblem(
            f"{info.filename}: encrypted entries are not accepted.", "zip_encrypted", "file"
        )
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return ProjectProblem(
            f"{info.filename} is a symbolic link; links are not accepted.", "zip_symlink", "file"
        )
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return ProjectProblem(f"{info.filename} is not a regular file.", "zip_special_file", "file")
    if "\x00" in info.orig_filename:
        return ProjectProblem("An entry's name contains a NUL character.", "invalid_path", "file")
    return None


def _inflate(fp, info: zipfile.ZipInfo, path: str) -> bytes:
    """The entry's bytes, inflated here rather than by zipfile (which trusts the declared
    size and reports a lie only as a bad CRC): chunk by chunk, refusing the entry as soon
    as it yields more than it declared, or if it ends short of it."""
    damaged = ProjectProblem(f"{path} is damaged in the zip.", "zip_invalid", "file")
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise damaged
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise ProjectProblem(f"{path} uses a compression other than deflate.", "zip_invalid", "file")
    mismatch = ProjectProblem(
        f"{path} does not hold the size its header declares.", "zip_size_mismatch", "file"
    )
    out = bytearray()
    left = info.compress_size
    while left > 0:
        chunk = fp.read(min(CHUNK, left))
        if not chunk:
            raise damaged
        left -= len(chunk)
        try:
            while chunk:
                if inflater is None:
                    piece, chunk = chunk, b""
                else:
                    # never more than one byte past the declared size, whatever the ratio
                    piece = inflater.decompress(chunk, info.file_size + 1 - len(out))
                    chunk = inflater.unconsumed_tail
                out += piece
                if len(out) > info.file_size:
                    raise mismatch
                if inflater is not None and not piece and chunk:
                    raise damaged
        except zlib.error:
            raise damaged from None
    if inflater is not None:
        try:
            out += inflater.flush()
        except zlib.error:
            raise damaged from None
    if len(out) != info.file_size:
        raise mismatch
    if zlib.crc32(out) != info.CRC:
        raise damaged
    return bytes(out)


def zip_read(upload) -> tuple[list[dict], list[str]]:
    """The files and folders of an uploaded zip, or ProjectProblem (see the module doc)."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.PROJECT_ZIP_MAX_BYTES:
        raise ProjectProblem(
            f"The zip is {size} bytes; the limit is {settings.PROJECT_ZIP_MAX_BYTES}.",
            "zip_too_large",
            "file",
        )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ProjectProblem("This is not a zip file (or it is damaged).", "zip_invalid", "file") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.PROJECT_ZIP_MAX_ENTRIES:
            raise ProjectProblem(
                f"The zip has {len(entries)} entries; the limit is {settings.PROJECT_ZIP_MAX_ENTRIES}.",
                "zip_too_many_entries",
                "file",
            )
        # First the central directory alone: names, kinds and declared sizes, so a bomb
        # or a traversal is refused before a byte is inflated.
        planned, folders, declared_total = [], [], 0
        for info in entries:
            problem = _entry_problem(info)
            if problem:
                raise problem
            name = info.filename
            if name.startswith(IGNORED_PREFIXES) or name.rsplit("/", 1)[-1] in IGNORED_NAMES:
                continue
            if info.is_dir():
                folders.append(clean_path(path_normalise(name[:-1]), attr="file", folder=True))
                continue
            path = clean_path(path_normalise(name), attr="file")
            if info.file_size > settings.PROJECT_MAX_FILE_BYTES:
                raise ProjectProblem(
                    f"{path} is {info.file_size} bytes; "
                    f"the limit per file is {settings.PROJECT_MAX_FILE_BYTES}.",
                    "file_too_large",
                    "file",
                )
            declared_total += info.file_size
            if declared_total > settings.PROJECT_MAX_BYTES:
                raise ProjectProblem(
                    f"The zip's files add up to more than {settings.PROJECT_MAX_BYTES} bytes.",
                    "project_too_large",
                    "file",
                )
            if info.file_size >= RATIO_MIN_BYTES and (
                info.compress_size == 0
                or info.file_size / info.compress_size > settings.PROJECT_ZIP_MAX_RATIO
            ):
                raise ProjectProblem(
                    f"{path} is compressed more than {settings.PROJECT_ZIP_MAX_RATIO} times: "
                    "refused as a zip bomb.",
                    "zip_bomb",
                    "file",
                )
            planned.append((info, path))
        seen: dict[str, str] = {}
        for _, path in planned:
            key = path.casefold()
            if key in seen:
                raise ProjectProblem(
                    f"{path} appears twice in the zip (names are compared ignoring case).",
                    "duplicate_path",
                    "file",
                )
            seen[key] = path
        if len(planned) > settings.PROJECT_MAX_FILES:
            raise ProjectProblem(
                f"A project holds at most {settings.PROJECT_MAX_FILES} files.", "too_many_files", "file"
            )
        # Then each entry, inflated in chunks and counted: never past its declared size.
        files = []
        for info, path in planned:
            data = _inflate(archive.fp, info, path)
            try:
                text = bytes(data).decode("utf-8")
            except UnicodeDecodeError:
                raise ProjectProblem(f"{path} is not UTF-8 text.", "not_utf8", "file") from None
            files.append({"path": path, "content": text.removeprefix("\ufeff")})
    return files, folders
