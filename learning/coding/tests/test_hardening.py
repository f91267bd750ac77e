"""The worker's second wall (sandbox/hardening.py), for the day someone escapes V8.

The "simulated escape" runs escape_probe.py as its own process: it starts up exactly as
a worker does and runs the project's own harden(), then makes raw system calls against
another real process of the same user and real files. The positive path goes through
the real pool."""

import json
import os
import pwd
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from learning.coding.sandbox import hardening
from learning.coding.sandbox.backends import pool_config
from learning.coding.sandbox.pool import ROOT, PoolConfig, WorkerPool

from .conftest import POOL_LIMITS as LIMITS
from .conftest import pool_job as run
from .conftest import sandbox_server

PROBE = Path(__file__).resolve().parent / "escape_probe.py"
SECRET = "the-web-process-secret-key-" + "x" * 40

needs_seccomp = pytest.mark.skipif(
    not hardening.seccomp_supported(), reason="the seccomp filter is written for x86-64 Linux"
)
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="switching users needs root (CI and the dev box run tests as root)"
)
REFUSED = "EPERM"


@pytest.fixture
def victim():
    """Another process of the same user holding a secret in its environment, like the
    web process holds SECRET_KEY."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"],
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": SECRET},
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while SECRET.encode() not in Path(f"/proc/{proc.pid}/environ").read_bytes():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def private_file(tmp_path):
    path = tmp_path / "db-like.sqlite3"
    path.write_text("SECRET rows")
    path.chmod(0o600)
    return path


def escape(victim_pid: int, paths: list[str], *, user: str) -> dict:
    config = PoolConfig(user=user, extra_data_mb=320, nofile=64, cpu_seconds=120).worker_config()
    proc = subprocess.run(
        [sys.executable, "-I", str(PROBE), str(ROOT), json.dumps(config), str(victim_pid), json.dumps(paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=str(ROOT),
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stderr[-3000:]
    result = lines[0]
    result["execve"] = lines[1]["execve"] if len(lines) > 1 else "allowed (the process was replaced)"
    return result


@needs_seccomp
@pytest.mark.django_db
@pytest.mark.parametrize("user", ["none", "auto"])
def test_a_simulated_escape_after_harden_reaches_no_other_process_and_no_file(victim, private_file, user):
    """user=none: the filter alone, against a process of the very same user."""
    paths = [f"/proc/{victim.pid}/environ", str(ROOT / "manage.py"), "/etc/hostname", str(private_file)]
    if connection.vendor == "sqlite" and Path(str(connection.settings_dict["NAME"])).is_file():
        paths.insert(1, str(connection.settings_dict["NAME"]))  # the test database
    # the targets are real: without the filter this user reads them
    assert SECRET.encode() in Path(paths[0]).read_bytes()
    nice_before = os.getpriority(os.PRIO_PROCESS, victim.pid)

    result = escape(victim.pid, paths, user=user)

    assert result["hardening"]["seccomp"] is True
    for path in paths:
        assert result["files"][path] == dict.fromkeys(("open", "openat", "openat2", "stat"), REFUSED)
    assert result["creat"] == "EPERM"
    assert not Path(str(private_file) + ".new").exists()
    assert result["other"] == dict.fromkeys(result["other"], REFUSED)
    assert set(result["other"]) >= {
        "kill",
        "tkill",
        "tgkill",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
        "pidfd_open",
        "pidfd_send_signal",
        "setpriority",
        "sched_setscheduler",
        "sched_setattr",
        "ptrace",
        "process_vm_readv",
    }
    assert result["new"] == dict.fromkeys(("socket_unix", "socket_inet", "fork", "clone_process"), REFUSED)
    assert result["execve"] == "EPERM"
    # the worker may still signal itself (abort() does), never renice itself
    assert result["self"] == {"setpriority": "EPERM", "kill": "allowed", "tgkill": "allowed"}
    # the victim got nothing
    assert victim.poll() is None
    assert os.getpriority(os.PRIO_PROCESS, victim.pid) == nice_before
    assert os.sched_getscheduler(victim.pid) == os.SCHED_OTHER
    assert Path(f"/proc/{victim.pid}/status").read_text().count("TracerPid:\t0") == 1
    # and the hardened process is still a working sandbox worker
    assert result["javascript"]["status"] == "ok"
    assert result["javascript"]["stdout"] == [{"level": "log", "text": "42 number"}]


@needs_seccomp
def test_after_harden_the_pool_still_runs_javascript():
    """Everything a run needs after the filter was opened before it (ICU data, the time
    zone, V8's random seeds come from getrandom)."""
    pool = WorkerPool(PoolConfig(size=1, spares=0, recycle_after=50))
    try:
        assert pool.wait_until_ready(60) == 1
        hello = pool.run(run("console.log('hello world')"), wait_s=15, timeout_s=5)
        assert hello["status"] == "ok"
        assert hello["stdout"] == [{"level": "log", "text": "hello world"}]
        assert pool.stats.last_hardening["seccomp"] is True
        looping = pool.run(run("while (true) {}"), wait_s=15, timeout_s=5)
        assert looping["status"] == "timeout"
        assert looping["worker"]["pid"] == hello["worker"]["pid"]  # stopped by V8, not killed
        intl = pool.run(
            run(
                "console.log(new Intl.DateTimeFormat('de-DE', {timeZone: 'Asia/Tokyo', dateStyle: 'long'})"
                ".format(new Date(Date.UTC(2024, 0, 2, 3))), 'ä'.localeCompare('z', 'sv'),"
                " Intl.DateTimeFormat().resolvedOptions().timeZone)"
            ),
            wait_s=15,
            timeout_s=5,
        )
        assert intl["stdout"] == [{"level": "log", "text": "2. Januar 2024 1 UTC"}]
        draws = {
            pool.run(run("console.log(Math.random())"), wait_s=15, timeout_s=5)["stdout"][0]["text"]
            for _ in range(4)
        }
        assert len(draws) == 4  # every isolate seeded afresh
        tests = pool.run(
            {
                "kind": "tests",
                "language": "javascript",
                "files": [{"name": "main.js", "content": "function add(a, b) { return a + b }"}],
                "limits": LIMITS,
                "tests": [
                    {"id": "a", "kind": "assert", "code": "assert.strictEqual(add(1, 2), 3)"},
                    {"id": "b", "kind": "assert", "code": "expect(add(1, 1)).to.equal(3)"},
                ],
            },
            wait_s=15,
            timeout_s=10,
        )
        assert [t["passed"] for t in tests["tests"]] == [True, False]
        assert pool.stats.crashed == 0
    finally:
        pool.close()


def _ids(pid: int) -> dict:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return {
        "uid": {int(v) for v in fields["Uid"].split()},
        "gid": {int(v) for v in fields["Gid"].split()},
        "groups": fields["Groups"].split(),
    }


@needs_root
def test_workers_run_as_nobody_when_the_process_runs_as_root(settings):
    nobody = pwd.getpwnam("nobody")
    assert settings.SANDBOX_WORKER_USER == "auto"
    pool = WorkerPool(pool_config())
    try:
        assert pool.wait_until_ready(60) >= 1
        reply = pool.run({"kind": "selfcheck", "language": "javascript"}, wait_s=15, timeout_s=10)
        ids = _ids(reply["worker"]["pid"])
        assert ids == {"uid": {nobody.pw_uid}, "gid": {nobody.pw_gid}, "groups": []}
        assert reply["checks"]["ids"] == {"uid": nobody.pw_uid, "gid": nobody.pw_gid, "groups": []}
        assert reply["hardening"]["user"] == [nobody.pw_uid, nobody.pw_gid]
    finally:
        pool.close()


@needs_root
def test_the_worker_user_cannot_read_a_file_only_the_web_user_can(tmp_path):
    """Even without the filter (SANDBOX_SECCOMP off, or a host it does not support)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    tmp_path.chmod(0o755)
    secret = folder / "web-only.txt"
    secret.write_text("SECRET_KEY=web")
    secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
    outcomes = {}
    for user in ("auto", "none"):
        pool = WorkerPool(PoolConfig(size=1, spares=0, seccomp=False, user=user))
        try:
            assert pool.wait_until_ready(60) == 1
            reply = pool.run(
                {"kind": "selfcheck", "language": "javascript", "read_paths": [str(secret)]},
                wait_s=15,
                timeout_s=10,
            )
            outcomes[user] = reply["checks"]["read_paths"][str(secret)]
        finally:
            pool.close()
    assert outcomes == {"auto": "EACCES", "none": "allowed"}


def test_the_worker_user_setting():
    if os.geteuid() == 0:
        assert hardening.resolve_worker_user("auto") == (65534, 65534)
    else:
        assert hardening.resolve_worker_user("auto") is None
    assert hardening.resolve_worker_user("none") is None
    assert hardening.resolve_worker_user("") is None
    assert hardening.resolve_worker_user(str(os.getuid())) == (os.getuid(), os.getgid())
    with pytest.raises(ValueError, match="no user"):
        hardening.resolve_worker_user("no-such-user-here")


def test_the_sandbox_service_never_forwards_probe_paths():
    from learning.coding.sandbox.server import validate_job

    job = validate_job({"kind": "selfcheck", "language": "javascript", "read_paths": ["/etc/shadow"]})
    assert "read_paths" not in job


# --- the sandbox service gets nothing of the web app's secrets ---

SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "DJANGO_SETTINGS_MODULE": "site_config.settings.sandbox",
}


def test_the_compose_sandbox_service_gets_no_env_file_and_no_database_url():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    sandbox = compose["services"]["sandbox"]
    assert "env_file" not in sandbox
    environment = sandbox["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "site_config.settings.sandbox"
    assert "SANDBOX_TOKEN" in environment
    assert not [name for name in environment if not name.startswith(("SANDBOX_", "DJANGO_SETTINGS_MODULE"))]
    assert not [value for value in map(str, environment.values()) if "POSTGRES" in value or "MINIO" in value]
    # its own internal network: web reaches it, it reaches neither the database nor out
    assert sandbox["networks"] == ["sandbox"]
    assert compose["networks"]["sandbox"] == {"internal": True}
    assert "sandbox" in compose["services"]["web"]["networks"]
    # and no .env can be baked into the image
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored


def test_the_sandbox_service_runs_with_only_its_token():
    """No DATABASE_URL, no SECRET_KEY, no .env: the service starts, serves a run, and has
    no database to reach; without its token it refuses to start."""
    import requests

    env = {
        **SANDBOX_ENV,
        "SANDBOX_TOKEN": "only-this",
        "SANDBOX_POOL_SIZE": "1",
        "SANDBOX_WALL_TIME_MS": "600",
    }
    with sandbox_server(env) as url:
        body = {"job": run("console.log('from the service')")}
        assert requests.post(f"{url}/v1/jobs", json=body, timeout=10).status_code == 401
        reply = requests.post(
            f"{url}/v1/jobs", json=body, headers={"Authorization": "Bearer only-this"}, timeout=10
        ).json()
        assert reply["stdout"] == [{"level": "log", "text": "from the service"}]

    probe = (
        "import django; django.setup(); from django.conf import settings; from django.db import connection\n"
        "assert settings.DATABASES == {} or settings.DATABASES['default']['ENGINE'].endswith('dummy')\n"
        "try:\n    connection.ensure_connection()\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
    )
    no_db = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**SANDBOX_ENV, "SANDBOX_TOKEN": "t"},
        capture_output=True,
        text=True,
    )
    assert no_db.stdout.strip() == "ImproperlyConfigured", no_db.stderr[-2000:]
    no_token = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=SANDBOX_ENV,
        capture_output=True,
        text=True,
    )
    assert no_token.returncode != 0
    assert "SANDBOX_TOKEN is not set" in no_token.stderr


# --- the filter program itself, run by a small classic-BPF interpreter ---


def _decide(program: bytes, nr: int, args=(0, 0, 0, 0, 0, 0), arch=hardening.AUDIT_ARCH_X86_64) -> int:
    """What the kernel would return for this call (struct seccomp_data, little-endian)."""
    import struct

    data = struct.pack("<iIQ6Q", nr, arch, 0, *args)
    insns = [struct.unpack("HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        if code == hardening.LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == hardening.RET_K:
            return k
        else:
            taken = {
                hardening.JEQ_K: acc == k,
                hardening.JGE_K: acc >= k,
                hardening.JSET_K: bool(acc & k),
            }[code]
            pc += jt if taken else jf
        pc += 1


def test_the_filter_decides_by_number_architecture_and_whole_arguments():
    own, other = 4242, 777
    program = hardening.build_filter(own)
    allow, deny, kill = hardening.RET_ALLOW, hardening.RET_DENY, hardening.RET_KILL_PROCESS
    assert _decide(program, 0) == allow  # read
    assert _decide(program, 2) == deny  # open
    assert _decide(program, 999) == deny  # anything not listed
    assert _decide(program, 0, arch=0x40000003) == kill  # the i386 ABI
    assert _decide(program, 0x40000000 | 2) == kill  # the x32 ABI
    assert _decide(program, 435) == hardening.RET_ERRNO | 38  # clone3: ENOSYS, glibc falls back
    assert _decide(program, 56, (hardening.CLONE_THREAD | 0x3D0F00, 0, 0, 0, 0, 0)) == allow
    assert _decide(program, 56, (17, 0, 0, 0, 0, 0)) == deny  # clone(SIGCHLD): a process
    assert _decide(program, 62, (own, 6, 0, 0, 0, 0)) == allow
    assert _decide(program, 62, (other, 9, 0, 0, 0, 0)) == deny
    assert _decide(program, 62, ((1 << 32) | other, 9, 0, 0, 0, 0)) == deny
    assert _decide(program, 234, (own, own + 1, 6, 0, 0, 0)) == allow
    assert _decide(program, 302, (0, 7, 0, 1, 0, 0)) == allow  # prlimit64 read of its own
    assert _decide(program, 302, (0, 7, 1 << 32, 1, 0, 0)) == deny  # a new limit, high bits only
    assert _decide(program, 302, (other, 7, 0, 1, 0, 0)) == deny  # another process's limits
    assert _decide(program, 44, (5, 1, 1, 0, 0, 0)) == allow  # sendto on a held socket
    assert _decide(program, 44, (5, 1, 1, 0, 1 << 40, 16)) == deny  # ... to an address
    assert _decide(program, 157, (15, 0, 0, 0, 0, 0)) == allow  # PR_SET_NAME
    assert _decide(program, 157, (4, 1, 0, 0, 0, 0)) == deny  # PR_SET_DUMPABLE
