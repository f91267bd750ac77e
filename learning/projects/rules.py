"""What a project's tree may be: the shared path rule (learning/filepaths.py) with the
project settings, an extension allow-list, text only, and the size and count limits.
Applied by the services to every write (API, template copy, zip import, restore) and by
the editor to a template's files."""

from __future__ import annotations

from django.conf import settings

from learning.coding.rules import is_text
from learning.filepaths import path_normalise, path_problem, paths_problem


class ProjectProblem(Exception):
    """Bad input to a project write: a 400 with `code` on `attr`."""

    def __init__(self, message: str, code: str, attr: str | None = None):
        super().__init__(message)
        self.message, self.code, self.attr = message, code, attr


def extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def folder_path_problem(path) -> tuple[str, str] | None:
    return path_problem(
        path, max_depth=settings.PROJECT_MAX_PATH_DEPTH - 1, max_chars=settings.PROJECT_MAX_PATH_CHARS
    )


def file_path_problem(path) -> tuple[str, str] | None:
    problem = path_problem(
        path, max_depth=settings.PROJECT_MAX_PATH_DEPTH, max_chars=settings.PROJECT_MAX_PATH_CHARS
    )
    if problem:
        return problem
    allowed = [e.lower() for e in settings.PROJECT_FILE_EXTENSIONS]
    if extension(path) not in allowed:
        return f"Files must end in one of: {', '.join('.' + e for e in allowed)}.", "unsupported_extension"
    return None


def clean_path(path, *, attr: str, folder: bool = False) -> str:
    """The NFC form of `path` if it may name a file (or folder); else ProjectProblem."""
    if not isinstance(path, str):
        raise ProjectProblem("Give a path.", "invalid_path", attr)
    path = path_normalise(path)
    problem = (folder_path_problem if folder else file_path_problem)(path)
    if problem:
        raise ProjectProblem(problem[0], problem[1], attr)
    return path


def content_problem(content, *, path: str) -> tuple[str, str] | None:
    if not isinstance(content, str) or not is_text(content):
        return f"{path} must be text (no NUL or other control characters).", "binary"
    size = len(content.encode())
    if size > settings.PROJECT_MAX_FILE_BYTES:
        return (
            f"{path} is {size} bytes; the limit per file is {settings.PROJECT_MAX_FILE_BYTES}.",
            "file_too_large",
        )
    return None


def tree_clean(files: list[dict], folders: list[str]) -> tuple[list[dict], list[str], int]:
    """A whole tree checked: every path, every content, duplicates (case-insensitive),
    file/folder clashes, the count and total-size limits. Returns (files sorted by path,
    folders sorted and without those a file's path already implies, total bytes)."""
    if len(files) > settings.PROJECT_MAX_FILES:
        raise ProjectProblem(f"A project holds at most {settings.PROJECT_MAX_FILES} files.", "too_many_files")
    if len(folders) > settings.PROJECT_MAX_FOLDERS:
        raise ProjectProblem(
            f"A project holds at most {settings.PROJECT_MAX_FOLDERS} empty folders.", "too_many_folders"
        )
    clean, total = [], 0
    for item in files:
        path = clean_path(item["path"], attr="path")
        problem = content_problem(item["content"], path=path)
        if problem:
            raise ProjectProblem(problem[0], problem[1], "content")
        total += len(item["content"].encode())
        clean.append({"path": path, "content": item["content"]})
    if total > settings.PROJECT_MAX_BYTES:
        raise ProjectProblem(
            f"The project would be {total} bytes; the limit is {settings.PROJECT_MAX_BYTES}.",
            "project_too_large",
        )
    clean_folders = sorted({clean_path(f, attr="path", folder=True) for f in folders})
    clash = paths_problem([f["path"] for f in clean], clean_folders)
    if clash:
        raise ProjectProblem(clash[1], clash[2], "path")
    implied = {"/".join(f["path"].split("/")[:i]) for f in clean for i in range(1, f["path"].count("/") + 1)}
    kept = [f for f in clean_folders if f not in implied and not any(g.startswith(f + "/") for g in implied)]
    kept = [f for f in kept if not any(g.startswith(f + "/") for g in clean_folders)]
    return sorted(clean, key=lambda f: f["path"]), kept, total
