"""The contract between the worker loop and a language runner.

A runner lives only inside a sandbox worker process. It executes one job at a time
and returns plain JSON-able dicts (see protocol.py for their shape). Adding a
language = one Runner subclass here + its name in protocol.RUNNERS; the web side only
ever sees language names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class Runner(ABC):
    language: str = ""

    @abstractmethod
    def start(self, config: dict) -> None:
        """Load the engine and warm up, before the worker hardens itself."""

    @abstractmethod
    def run(self, *, files: list[dict], stdin: str, limits: dict) -> dict:
        """Run a program: status, stdout entries, error, wall_ms."""

    @abstractmethod
    def run_tests(
        self, *, files: list[dict], tests: list[dict], limits: dict, entry: str | None = None
    ) -> dict:
        """Run the learner's files against each test, one clean realm per test. A test
        can read the source of the file named `entry` (the learner's entry file)."""

    def service_thread_ids(self) -> list[int]:
        """Native ids of the runner's long-lived threads (not those running programs):
        the pool lowers the priority of a CPU-hungry run's threads, never these."""
        return []

    def idle(self) -> None:  # noqa: B027 - optional hook
        """Called after a reply is sent: tidy up and pre-warm for the next job."""
