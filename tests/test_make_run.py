"""`make run` itself (migrate, schedules, demo, then web + a worker per job queue under devrun.py),
stopped the ways a user and a service manager stop it: Ctrl-C typed into its terminal, and
SIGTERM. Each time: make exits within seconds with status 0, every process of the tree is
gone, and the output has no traceback and no make error line.

The Ctrl-C run happens in a real pseudo-terminal with `make` as the session leader, so
the terminal's line discipline turns the typed ^C into SIGINT to its foreground process
group, exactly as for a user. These tests need no test database (the server under test
gets its own temporary SQLite file), so they carry no django_db mark."""

import contextlib
import fcntl
import os
import re
import signal
import socket
import subprocess
import termios
import threading
import time
import urllib.request
from pathlib import Path

import pytest

# Signal and stop-time bounds over process groups: run alone (`make test`).
pytestmark = pytest.mark.serial

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10  # "within a few seconds": django-q2's orderly stop takes ~1-3 s
START_SECONDS = 300  # the first start migrates a new database: slow on a busy machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _proc_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time) for every process, read from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        table[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return table


def _tree(root: int) -> dict[int, str]:
    """The live descendants of `root` (root included): pid -> start time."""
    table = _proc_table()
    found, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in table and table[pid][1] != "Z":
            found[pid] = table[pid][2]
        frontier += [child for child, (ppid, _, _) in table.items() if ppid == pid]
    return found


def _still_running(pids: dict[int, str]) -> dict[int, str]:
    """Those of `pids` still alive (same pid and start time; a zombie counts as ended):
    pid -> command line."""
    table = _proc_table()
    left = {}
    for pid, started in pids.items():
        if pid in table and table[pid][2] == started and table[pid][1] != "Z":
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            left[pid] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return left


class MakeRun:
    """`make run` in a pseudo-terminal whose output is collected by a reader thread."""

    def __init__(self, database: Path, port: int, **extra_env: str):
        self.port = port
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "REDIS_URL", "PYTEST_ADDOPTS"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="site_config.settings.dev",
            DATABASE_URL=f"sqlite:///{database}",
            # Long enough for PyJWT; set here so the test leaves the checkout's files alone.
            SECRET_KEY="make-run-test-" + "k" * 60,
            Q_WORKERS="1",
            MEDIA_ROOT=str(database.parent / "media"),
            PYTHONUNBUFFERED="1",
            **extra_env,
        )
        master, replica = os.openpty()

        def become_terminal_session_leader():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        # -o: the virtualenv counts as installed (the test must not run pip).
        self.proc = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdin=replica,
            stdout=replica,
            stderr=replica,
            preexec_fn=become_terminal_session_leader,  # noqa: PLW1509
        )
        os.close(replica)
        self.master = master
        self.output = bytearray()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every process holding the terminal is gone
                return
            if not chunk:
                return
            self.output += chunk

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")

    def wait_until_serving(self) -> dict[int, str]:
        """Wait for the web server's /health/live and each worker's "running" line; return
        the whole process tree then (make, the supervisor, runserver and its autoreloaded
        child, the cluster's master, sentinel, worker, monitor and pusher)."""
        deadline = time.monotonic() + START_SECONDS
        url = f"http://127.0.0.1:{self.port}/health/live"
        while True:
            assert self.proc.poll() is None, f"make run ended early:\n{self.text[-3000:]}"
            assert time.monotonic() < deadline, (
                f"make run not serving in {START_SECONDS} s:\n{self.text[-3000:]}"
            )
            live = False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    live = response.status == 200
            except OSError:
                pass
            # both job queues' clusters (light: [mrict], heavy: [heavy]) are up
            if live and {"mrict", "heavy"} <= set(re.findall(r"Q Cluster \S+ \[(\S+)\] running", self.text)):
                break
            time.sleep(0.5)
        time.sleep(1)  # let the cluster finish forking its worker, monitor and pusher
        return _tree(self.proc.pid)

    def supervisor_pid(self) -> int:
        """The process make runs the recipe's last line in (the recipe `exec`s into it)."""
        table = _proc_table()
        children = [pid for pid, (ppid, state, _) in table.items() if ppid == self.proc.pid and state != "Z"]
        assert len(children) == 1, children
        return children[0]

    def wait(self) -> tuple[int | None, float]:
        started = time.monotonic()
        try:
            code = self.proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - started

    def kill_everything(self, pids: dict[int, str]) -> None:
        """Whatever a failed stop left behind (the tree seen while serving, and the tree
        under make now), so that one failure neither leaks processes nor hangs the suite."""
        if self.proc.poll() is None:
            pids = {**pids, **_tree(self.proc.pid)}
        for pid in _still_running(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # make's session, as the terminal's owner
        self.proc.wait(timeout=30)
        self.reader.join(timeout=5)
        os.close(self.master)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """One SQLite file for both runs: the first run migrates it (the slow part), the
    second finds it migrated, as a user's second `make run` does."""
    return tmp_path_factory.mktemp("make-run") / "db.sqlite3"


def _stop_cleanly(database: Path, stop, *, make_status: int = 0) -> None:
    run = MakeRun(database, _free_port())
    pids = {}
    try:
        pids = run.wait_until_serving()
        assert len(pids) >= 12, f"expected make, supervisor, web (2) and two workers (4+ each): {pids}"
        stop(run)
        code, took = run.wait()
        time.sleep(0.5)  # a process that outlived make would still be running now
        left = _still_running(pids)
        run.reader.join(timeout=5)
        output = run.text
        assert code == make_status, f"make run exited with {code} after {took:.1f} s:\n{output[-3000:]}"
        assert left == {}, "still running after make run ended:\n" + "\n".join(
            f"{pid}: {cmdline}" for pid, cmdline in left.items()
        )
        for bad in ("Traceback", "Segmentation fault", "Error", "*** "):
            assert bad not in output, f"{bad!r} in the output:\n{output[-3000:]}"
    finally:
        run.kill_everything(pids)


def test_ctrl_c_in_the_terminal_stops_make_run_cleanly(database):
    _stop_cleanly(database, lambda run: os.write(run.master, b"\x03"))


def test_sigterm_stops_make_run_cleanly(database):
    _stop_cleanly(database, lambda run: os.kill(run.supervisor_pid(), signal.SIGTERM))


def test_sigterm_to_the_process_group_stops_every_process(database):
    """`kill -TERM -- -<pgid>`, as a service manager stops a group. make itself gets the
    TERM here: it passes it on to the supervisor, waits for it, then dies by that signal
    (GNU make's rule, whatever its child does), so make's status is -SIGTERM; everything
    under it must still stop in order and quietly."""
    _stop_cleanly(
        database, lambda run: os.killpg(os.getpgid(run.proc.pid), signal.SIGTERM), make_status=-signal.SIGTERM
    )


def _api(port: int, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    import json
    import urllib.error

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_tutor_answers_with_no_llm_configured(database):
    """`make run` with no LLM: the demo content's publish events build the tutor's index
    in the worker, and the demo student's question is answered by the built-in answerer."""
    run = MakeRun(database, _free_port(), LLM_BASE_URL="")
    pids = {}
    try:
        pids = run.wait_until_serving()
        status, login = _api(
            run.port, "/api/v1/auth/login/", {"email": "student@mrict.local", "password": "demo-pass-1234"}
        )
        assert status == 200, login
        deadline = time.monotonic() + START_SECONDS
        while True:  # 503 tutor_index_missing until the worker has built the index
            status, answer = _api(
                run.port,
                "/api/v1/tutor/ask/",
                {"question": "How do I make text bold in HTML?"},
                login["access"],
            )
            if status != 503 or time.monotonic() > deadline:
                break
            assert answer["errors"][0]["code"] == "tutor_index_missing", answer
            time.sleep(2)
        assert status == 200, answer
        assert answer["mode"] == "built_in" and answer["citations"], answer
        os.kill(run.supervisor_pid(), signal.SIGTERM)
        code, _ = run.wait()
        assert code == 0, run.text[-3000:]
    finally:
        run.kill_everything(pids)
