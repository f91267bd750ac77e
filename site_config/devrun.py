"""`make run`'s supervisor: runs the web server and the job worker side by side and stops
both cleanly on Ctrl-C or SIGTERM (exit status 0, no traceback, no process left over).

    python -m site_config.devrun "worker=python manage.py qcluster" "web=python manage.py runserver"

Why not a Procfile runner (honcho): it exits 130 after Ctrl-C and 143 after SIGTERM by
design, and make turns that into an error line. Why not the old recipe's
`trap 'kill 0' INT TERM EXIT`: `kill 0` sends TERM to the whole process group, the trapping
shell included, so the trap fires again and again until bash overflows its stack
("Segmentation fault"). Each of those TERMs also reaches django-q2's master, whose handler
(`Cluster.sig_handler`, which calls `stop()`) is re-entered while the previous call is
still stopping: nested tracebacks, and a call resumed after an inner one has finished finds
`stop_event` already set to None ("'NoneType' object has no attribute 'set'"). A group
signal also reaches the cluster's sentinel, which dies on TERM at once instead of stopping
its workers in order.

So each child runs in a session of its own (the terminal's Ctrl-C does not reach it) and
gets exactly one SIGTERM, to its leading process only, from here; django-q2's master then
stops its cluster in order, and runserver's autoreloader kills its serving child. Whatever
is still alive in a child's process group after the grace period gets SIGKILL.

GNU make, when it gets SIGINT itself, re-raises it after its child has finished and so
exits 130 even if the child exited 0. When stdin is a terminal, the supervisor therefore
moves itself into a process group of its own and makes that the terminal's foreground group
(as a shell does for a job): a Ctrl-C then reaches the supervisor only, and make sees a
clean exit. The terminal goes back to make's group before the supervisor exits.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 8  # then SIGKILL
POLL_SECONDS = 0.2


class Supervisor:
    def __init__(self, commands: dict[str, list[str]]):
        self.commands = commands
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_reason: str | None = None
        self.interrupts = 0
        self._tty_fd: int | None = None
        self._tty_pgrp: int | None = None

    # --- signals -------------------------------------------------------------------

    def _on_signal(self, signum, frame):
        if signum == signal.SIGINT:
            self.interrupts += 1
            if self.interrupts > 1:  # a second Ctrl-C: no more waiting
                self._kill_groups()
        if self.stop_reason is None:
            self.stop_reason = signal.Signals(signum).name

    # --- terminal ------------------------------------------------------------------

    def _take_terminal(self) -> None:
        """Become the terminal's foreground process group, so that Ctrl-C reaches this
        process only (not make, not the children). No terminal: nothing to do."""
        if not sys.stdin.isatty():
            return
        fd = sys.stdin.fileno()
        try:
            original = os.tcgetpgrp(fd)
            if original != os.getpgrp():
                return  # not in the foreground (started with `&`): leave the terminal alone
            old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            try:
                os.setpgid(0, 0)
                os.tcsetpgrp(fd, os.getpgrp())
            finally:
                signal.signal(signal.SIGTTOU, old)
        except OSError:
            return
        self._tty_fd, self._tty_pgrp = fd, original
        # Ctrl-Z would stop this process alone while make waits for it, and the shell
        # would never get the terminal back: ignored. (Ctrl-backslash stops like Ctrl-C.)
        signal.signal(signal.SIGTSTP, signal.SIG_IGN)

    def _give_back_terminal(self) -> None:
        if self._tty_fd is None:
            return
        old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        try:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(self._tty_fd, self._tty_pgrp)
        finally:
            signal.signal(signal.SIGTTOU, old)
        self._tty_fd = None

    # --- children ------------------------------------------------------------------

    def _start(self) -> None:
        for name, argv in self.commands.items():
            # A session of its own: the terminal is not its controlling terminal, so no
            # SIGINT/SIGHUP from it (it still reads and writes it: breakpoint() works);
            # its process group is what _kill_groups sweeps.
            self.children[name] = subprocess.Popen(argv, start_new_session=True)

    def _alive(self) -> list[subprocess.Popen]:
        return [p for p in self.children.values() if p.poll() is None]

    def _terminate(self) -> None:
        for proc in self._alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)

    def _kill_groups(self) -> None:
        """SIGKILL whatever is left in each child's process group (the leader included)."""
        for proc in self.children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, self._on_signal)
        self._take_terminal()
        try:
            self._start()
            exited_first = None
            while self.stop_reason is None:
                for name, proc in self.children.items():
                    if proc.poll() is not None:
                        exited_first = (name, proc.returncode)
                        break
                if exited_first:
                    break
                time.sleep(POLL_SECONDS)

            if exited_first:
                name, code = exited_first
                print(f"devrun: {name} exited with status {code}; stopping the others.", file=sys.stderr)
            else:
                print(f"devrun: {self.stop_reason}, stopping {', '.join(self.children)}.", file=sys.stderr)
            self._terminate()
            deadline = time.monotonic() + GRACE_SECONDS
            while self._alive() and time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
            late = [name for name, proc in self.children.items() if proc.poll() is None]
            if late:
                print(
                    f"devrun: {', '.join(late)} still running after {GRACE_SECONDS:g} s: killed.",
                    file=sys.stderr,
                )
            self._kill_groups()  # also any grandchild left behind by a leader that exited
            for proc in self.children.values():
                proc.wait()
        finally:
            self._give_back_terminal()
        if exited_first:  # a child that ends by itself is a failure of `run`
            return exited_first[1] if exited_first[1] > 0 else 1
        return 0


def parse(args: list[str]) -> dict[str, list[str]]:
    commands = {}
    for arg in args:
        name, sep, command = arg.partition("=")
        if not sep or not name or not command.strip():
            raise SystemExit(f'devrun: expected NAME=COMMAND, got "{arg}"')
        commands[name] = shlex.split(command)
    if not commands:
        raise SystemExit('usage: python -m site_config.devrun "NAME=COMMAND" ...')
    return commands


if __name__ == "__main__":
    sys.exit(Supervisor(parse(sys.argv[1:])).run())
