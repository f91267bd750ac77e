"""Running code: admission (per-user and global slots), the sandbox, then a `code_run`
event — with the outcome and sizes, never the code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from learning.events import CodeRun, bus

from ..concurrency import Busy, CrashLimited, crash_gate, crash_record, run_slot
from ..rules import challenge_code_files
from ..sandbox import protocol
from ..sandbox.backends import (
    BrowserUnavailable,
    PoolBusy,
    SandboxUnavailable,
    get_backend,
    job_limits,
    job_timeout_s,
)

RUNNABLE_EXTENSIONS = {
    "javascript": (".js", ".mjs", ".cjs"),
    # a web page: its HTML, its style sheets and its scripts (sandbox/runners/web.py)
    "web": (".html", ".htm", ".css", ".js", ".mjs"),
}
# the file languages a run of each language takes (besides its own name)
RUNNABLE_FILE_LANGUAGES = {"web": ("html", "css", "javascript")}


class SandboxBusyError(Exception):
    """No run slot or worker within the bounded wait: the API answers 429."""


class SandboxDownError(Exception):
    """The sandbox cannot run anything right now: the API answers 503."""


class BrowserMissingError(SandboxDownError):
    """Style tests cannot run here (no Chromium): the API answers 503 with code
    `browser_unavailable` and a detail that says what to install."""


class SandboxCrashLimitError(Exception):
    """The account's runs killed too many sandbox workers lately: the API answers 429
    (code `sandbox_crash_limit`) with Retry-After."""

    def __init__(self, retry_after: float):
        super().__init__(f"retry after {retry_after:.1f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SourceFile:
    name: str
    content: str
    language: str = ""


def runnable_files(*, language: str, files: list[SourceFile]) -> list[dict]:
    """The files the runner executes, in order: those of the run's language (by their
    `language` or their extension). HTML/CSS files of a lesson are not programs."""
    extensions = RUNNABLE_EXTENSIONS.get(language, ())
    languages = (language, *RUNNABLE_FILE_LANGUAGES.get(language, ()))
    return [
        {"name": f.name, "content": f.content}
        for f in files
        if (f.language or "").lower() in languages or (not f.language and f.name.lower().endswith(extensions))
    ]


ENTRY_FILE = "main.js"
ENTRY_FILES = {"javascript": ENTRY_FILE, "web": "index.html"}


def entry_file(runnable: list[dict], language: str = "javascript") -> str | None:
    """The learner's entry file among the runnable files: `main.js` (what a `source`
    submission is called) when there is one, else the first file that runs. Its text is
    what a challenge test sees as `code` (docs/challenges.md)."""
    names = [f["name"] for f in runnable]
    entry = ENTRY_FILES.get(language, ENTRY_FILE)
    if entry in names:
        return entry
    return names[0] if names else None


def _submit(*, user, job: dict) -> dict:
    """Admission (crash backoff, then a fair slot), the run, and the crash count: a run
    that cost the pool its worker counts against its account."""
    timeout_s = job_timeout_s(job)
    user_key = str(user.pk)
    try:
        crash_gate(user_key=user_key)
        with run_slot(user_key=user_key, ttl_ms=int((timeout_s + 5) * 1000)) as wait_left:
            result = get_backend().run(job, wait_s=max(wait_left, 1.0))
    except CrashLimited as exc:
        raise SandboxCrashLimitError(exc.retry_after) from exc
    except (Busy, PoolBusy) as exc:
        raise SandboxBusyError from exc
    except BrowserUnavailable as exc:
        raise BrowserMissingError(str(exc)) from exc
    except SandboxUnavailable as exc:
        raise SandboxDownError(str(exc)) from exc
    if (result.get("worker") or {}).get("lost_worker"):
        crash_record(user_key=user_key)
    return result


def code_run(
    *,
    user,
    language: str,
    files: list[SourceFile],
    stdin: str = "",
    lesson_id: int | None = None,
    challenge_id: int | None = None,
) -> dict:
    """Run a program in the sandbox and publish `code_run`. Returns the protocol's run
    result (status, stdout, error, wall_ms)."""
    job = {
        "kind": "run",
        "language": language,
        "files": runnable_files(language=language, files=files),
        "stdin": stdin or "",
        "limits": job_limits(),
    }
    result = _submit(user=user, job=job)
    result.pop("worker", None)
    bus.publish(
        CodeRun(
            user_id=user.pk,
            language=language,
            status=result.get("status", protocol.ERROR),
            wall_ms=float(result.get("wall_ms") or 0.0),
            source_bytes=sum(len(f.content.encode()) for f in files),
            lesson_id=lesson_id,
            challenge_id=challenge_id,
        )
    )
    return result


def code_files(*, language: str, text: str, name: str) -> list[SourceFile]:
    """A challenge's code field (starter or reference solution) as the files a run
    takes: one file `name`, or a web challenge's marked files (rules.py)."""
    return [
        SourceFile(n, content, lang)
        for n, content, lang in challenge_code_files(language=language, text=text, name=name)
    ]


# A web challenge's test that reads computed styles needs a real browser (linkedom has
# no cascade): it runs in Chromium (the sandbox's browser workers, sandbox/browser.py);
# every other test in V8.
STYLE_TEST = re.compile(r"\bgetComputedStyle\b")


def needs_browser(*, language: str, test: dict) -> bool:
    return (
        language == "web" and test.get("kind") == "assert" and bool(STYLE_TEST.search(test.get("code") or ""))
    )


def code_run_tests(*, user, language: str, files: list[SourceFile], tests: list[dict]) -> dict:
    """Run the learner's files against test cases (one clean realm per test); an
    assertion test sees the entry file's text as `code`. A web challenge's style tests
    go to the sandbox's browser workers (Chromium), the others to its V8 workers, both
    through the same admission and backend (in process, or the sandbox service); the
    verdicts come back in test order."""
    runnable = runnable_files(language=language, files=files)
    job = {
        "kind": "tests",
        "language": language,
        "files": runnable,
        "entry": entry_file(runnable, language),
        "tests": tests,
        "limits": job_limits(),
    }
    in_browser = [t for t in tests if needs_browser(language=language, test=t)]
    if not in_browser:
        result = _submit(user=user, job=job)
        result.pop("worker", None)
        return result
    in_v8 = [t for t in tests if not needs_browser(language=language, test=t)]
    parts = []
    if in_v8:
        part = _submit(user=user, job={**job, "tests": in_v8})
        part.pop("worker", None)
        parts.append(part)
    browser_job = {**job, "engine": "browser", "tests": in_browser, "limits": job_limits("browser")}
    part = _submit(user=user, job=browser_job)
    part.pop("worker", None)
    parts.append(part)
    by_id = {str(v.get("id")): v for part in parts for v in part.get("tests") or () if isinstance(v, dict)}
    statuses = [part.get("status", protocol.ERROR) for part in parts]
    merged = {
        "status": next((s for s in statuses if s != protocol.OK), protocol.OK),
        "tests": [by_id[str(t.get("id"))] for t in tests if str(t.get("id")) in by_id],
        "wall_ms": round(sum(float(part.get("wall_ms") or 0) for part in parts), 3),
    }
    error = next((part.get("error") for part in parts if part.get("error")), None)
    if error:
        merged["error"] = error
    return merged


def sandbox_limits() -> dict:
    return {
        **job_limits(),
        "max_source_bytes": settings.SANDBOX_MAX_SOURCE_BYTES,
        "max_stdin_bytes": settings.SANDBOX_MAX_STDIN_BYTES,
    }
