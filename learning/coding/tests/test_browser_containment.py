"""Style tests (headless Chromium) have the containment of code runs: they run in browser
workers of the sandbox pool (in process, or behind the sandbox service), as an
unprivileged user with Chromium's own sandbox on, in a PID and network namespace of
their own, time- and memory-limited; a hostile page reaches nothing. Real pools, real
Chromium, the real API and a real `sandbox_server` subprocess."""

import dataclasses
import http.server
import os
import pwd
import signal
import threading
import time

import pytest
import requests

from learning.coding.models import Challenge, Submission
from learning.coding.sandbox import hardening
from learning.coding.sandbox.backends import browser_pool_config, browser_pool_if_started, get_pool
from learning.coding.sandbox.pool import WorkerPool, descendants

from .conftest import sandbox_server
from .test_web_challenges import lesson, submit  # noqa: F401 - the fixture

TOKEN = "browser-service-token"
STYLE = "getComputedStyle(document.body);\n"


def browser_user() -> tuple[int, int]:
    """Whom the browser worker must have become: nobody when the tests run as root."""
    resolved = hardening.resolve_worker_user("auto")
    return tuple(resolved) if resolved else (os.getuid(), os.getgid())


def style_challenge(client, lesson, tests, reference="<p>x</p>") -> Challenge:  # noqa: F811
    response = client.post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "hostile",
            "prompt": "-",
            "language": "web",
            "reference_solution": reference,
            "tests": [{"description": f"t{i}", "code": code} for i, code in enumerate(tests)],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Challenge.objects.get(pk=response.json()["id"])


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b"secret")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A real HTTP server on this machine's loopback: a page must never reach it."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Counting.hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def root_only_file(tmp_path):
    """A file only the test's own user may read (mode 0600 in a 0700 directory)."""
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    secret = folder / "secret.txt"
    secret.write_text("the host's secret")
    secret.chmod(0o600)
    return str(secret)


def test_the_browser_worker_is_unprivileged_and_chromiums_sandbox_is_on(
    settings, root_only_file, local_server
):
    port, hits = local_server
    pool = get_pool(browser_pool_config())
    reply = pool.run(
        {
            "kind": "selfcheck",
            "language": "web",
            "engine": "browser",
            "read_paths": [root_only_file],
            "connect_to": ["127.0.0.1", port],
        },
        wait_s=90,
        timeout_s=60,
    )
    checks = reply["checks"]
    uid, gid = browser_user()
    # the worker, the Playwright driver and every Chromium process: the browser user
    assert checks["ids"] == {"uid": uid, "gid": gid, "groups": []}, checks["ids"]
    assert checks["browser_pids"] and set(checks["browser_pids"].values()) == {uid}, checks["browser_pids"]
    # Chromium's own report: its renderers are in namespaces and under seccomp-BPF
    assert checks["chromium"]["Seccomp-BPF sandbox"] == "Yes", checks["chromium"]
    assert checks["chromium"]["Network namespaces"] == "Yes", checks["chromium"]
    assert checks["chromium"]["adequate"] is True
    assert checks["hardening"]["chromium_sandbox"] is True
    assert checks["hardening"]["rlimits"]["RLIMIT_DATA"] == settings.WEB_BROWSER_MEMORY_MB * 1024 * 1024
    if os.geteuid() == 0:
        assert uid == pwd.getpwnam("nobody").pw_uid
        # a file of the web's user is out of its reach, and so is the machine's network
        assert checks["read_paths"] == {root_only_file: "EACCES"}
        assert checks["hardening"]["own_network_namespace"] is True
        assert checks["hardening"]["own_pid_namespace"] is True
        assert checks["connect"] in ("ENETUNREACH", "ECONNREFUSED"), checks["connect"]
        assert hits == []


def test_a_hostile_page_reads_no_host_file_and_reaches_no_network(
    auth_client,
    student,
    teacher,
    lesson,  # noqa: F811
    local_server,
    root_only_file,
    settings,
):
    # the page's tries wait up to 300 ms each: a wall time a loaded machine cannot reach
    settings.WEB_BROWSER_WALL_TIME_MS = 10_000
    port, hits = local_server
    local = f"http://127.0.0.1:{port}/"
    test = (
        STYLE
        + "const tries = {};\n"
        + "async function attempt(name, fn) {\n"
        + "  try { tries[name] = String(await fn()); } catch (e) { tries[name] = 'blocked'; } }\n"
        + f"await attempt('local', () => fetch('{local}').then((r) => r.text()));\n"
        + "await attempt('file', () => fetch('file:///etc/passwd').then((r) => r.text()));\n"
        + f"await attempt('secret', () => fetch('file://{root_only_file}').then((r) => r.text()));\n"
        + "await attempt('xhr', () => new Promise((ok, no) => { const x = new XMLHttpRequest();\n"
        + "  x.open('GET', 'file:///etc/hostname'); x.onload = () => ok(x.responseText);"
        + " x.onerror = () => no(new Error('x')); x.send(); }));\n"
        + "await attempt('frame', () => new Promise((ok, no) => {\n"
        + "  const f = document.createElement('iframe'); f.src = 'file:///etc/passwd';\n"
        + "  f.onload = () => { try { ok(f.contentDocument.body.textContent); } catch (e) { no(e); } };\n"
        + "  document.body.appendChild(f); setTimeout(() => no(new Error('t')), 300); }));\n"
        + "for (const [name, got] of Object.entries(tries))\n"
        + "  assert.equal(got, 'blocked', name + ' was reached: ' + got.slice(0, 40));\n"
    )
    challenge = style_challenge(auth_client(teacher), lesson, [test])
    html = (
        f"<p>x</p><img src='{local}beacon.png'><link rel=stylesheet href='{local}s.css'>"
        f"<script>navigator.sendBeacon('{local}beacon'); fetch('{local}x').catch(() => 0);</script>"
    )
    browser_jobs = get_pool(browser_pool_config()).stats.jobs
    body = submit(auth_client(student), challenge, [{"name": "index.html", "content": html}]).json()
    assert body["results"][0]["outcome"] == "passed", body
    assert hits == [], hits
    # it was graded by a browser worker of the sandbox pool, not in the web process
    assert get_pool(browser_pool_config()).stats.jobs == browser_jobs + 1


def test_a_memory_bomb_and_an_endless_test_end_with_clean_statuses(
    auth_client,
    student,
    teacher,
    lesson,  # noqa: F811
):
    challenge = style_challenge(
        auth_client(teacher),
        lesson,
        [STYLE + "assert.isOk(document.querySelector('p'));", STYLE + "while (true) {}"],
    )
    bomb = "<p>x</p><script>const a = []; while (true) a.push(new Array(1e6).fill(Math.random()));</script>"
    response = submit(auth_client(student), challenge, [{"name": "index.html", "content": bomb}])
    assert response.status_code == 201, response.content
    outcomes = [r["outcome"] for r in response.json()["results"]]
    # the renderer dies at its heap cap (memory_limit) or is stopped at the wall time
    assert set(outcomes) <= {"memory_limit", "timeout"}, response.json()["results"]
    response = submit(auth_client(student), challenge, [{"name": "index.html", "content": "<p>fine</p>"}])
    results = response.json()["results"]
    # the first test passes on a browser that survived the bomb; the endless one is stopped
    assert [r["outcome"] for r in results] == ["passed", "timeout"], results


def test_a_killed_browser_worker_takes_every_chromium_process_with_it(settings):
    pool = WorkerPool(dataclasses.replace(browser_pool_config(), size=1))
    try:
        assert pool.wait_until_ready(90) == 1
        worker = next(iter(pool._all))
        family = descendants(worker.pid)
        assert any(_is_chromium(pid) for pid in family), family
        # the worker stops answering (as a wedged browser would): the pool's hard deadline
        os.kill(_python_of(worker.pid), signal.SIGSTOP)
        job = {
            "kind": "tests",
            "language": "web",
            "engine": "browser",
            "files": [{"name": "index.html", "content": "<p>x</p>"}],
            "tests": [{"id": 1, "kind": "assert", "code": STYLE}],
            "limits": {"wall_ms": 500, "heap_mb": 64, "output_bytes": 1000},
        }
        reply = pool.run(job, wait_s=5, timeout_s=2)
        assert reply["status"] == "timeout" or reply.get("tests"), reply
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in family if _alive(pid)] == []
    finally:
        pool.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _is_chromium(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"chromium" in f.read()
    except OSError:
        return False


def _python_of(pid: int) -> int:
    """The worker's interpreter: the pid itself, or unshare's child."""
    for candidate in (pid, *descendants(pid)):
        with open(f"/proc/{candidate}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
        if b"python" in argv[0] and any(arg.endswith(b"browser_worker.py") for arg in argv):
            return candidate
    raise AssertionError(f"no browser worker interpreter below {pid}")


def test_without_chromium_a_style_test_is_a_clear_503(auth_client, student, teacher, lesson, settings):  # noqa: F811
    challenge = style_challenge(auth_client(teacher), lesson, [STYLE])
    settings.WEB_BROWSER_PATH = "/nonexistent/chromium"
    response = submit(auth_client(student), challenge, [{"name": "index.html", "content": "<p>x</p>"}])
    assert response.status_code == 503, response.content
    error = response.json()["errors"][0]
    assert error["code"] == "browser_unavailable"
    assert "apt-get install chromium" in error["detail"] and "WEB_BROWSER_PATH" in error["detail"]
    assert not Submission.objects.filter(challenge=challenge).exists()


@pytest.fixture(scope="module")
def browser_service():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "SANDBOX_TOKEN": TOKEN,
        "SANDBOX_POOL_SIZE": "1",
        "WEB_BROWSER_PAGES": "1",
        "SANDBOX_URL": "",
    }
    with sandbox_server(env) as url:
        # The service starts Chromium on its first browser job: start it here, so the
        # test's own request does not wait for it inside the web side's HTTP timeout.
        warm = requests.post(
            f"{url}/v1/jobs",
            json={"job": {"kind": "selfcheck", "language": "web", "engine": "browser"}},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=120,
        )
        assert warm.status_code == 200, warm.text[:500]
        yield url


def test_style_tests_run_behind_the_sandbox_service(
    settings,
    auth_client,
    student,
    teacher,
    lesson,  # noqa: F811
    browser_service,
):
    challenge = style_challenge(
        auth_client(teacher),
        lesson,
        ["assert.equal(getComputedStyle(document.querySelector('p')).color, 'rgb(0, 0, 255)', 'blue');"],
        reference="<p style='color: blue'>x</p>",
    )
    settings.SANDBOX_URL = browser_service
    settings.SANDBOX_TOKEN = TOKEN
    local = browser_pool_if_started()
    local_jobs = local.stats.jobs if local else 0
    page = [{"name": "index.html", "content": "<style>p { color: blue }</style><p>x</p>"}]
    response = submit(auth_client(student), challenge, page)
    assert response.status_code == 201, response.content
    assert response.json()["results"][0]["outcome"] == "passed", response.json()
    health = requests.get(f"{browser_service}/health", timeout=5).json()
    assert health["browser_pool"]["stats"]["jobs"] >= 1, health
    # the web process's own browser workers (other tests may have started them) took no job
    local = browser_pool_if_started()
    assert (local.stats.jobs if local else 0) == local_jobs
    # from inside the service's browser worker: who it is, and Chromium's own verdict
    # (the service drops read_paths and connect_to from callers)
    reply = requests.post(
        f"{browser_service}/v1/jobs",
        json={"job": {"kind": "selfcheck", "language": "web", "engine": "browser", "read_paths": ["/etc"]}},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    ).json()
    assert reply["checks"]["ids"]["uid"] == browser_user()[0]
    assert reply["checks"]["read_paths"] == {}
    assert reply["checks"]["chromium"]["adequate"] is True
