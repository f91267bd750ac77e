"""A simulated V8 escape, run as its own process by test_hardening.py:

    python -I escape_probe.py ROOT CONFIG_JSON VICTIM_PID PATHS_JSON

It starts up exactly as a sandbox worker does (`worker.start`: V8 loaded, isolates
warmed, then the project's own `hardening.harden()`), then behaves like native code an
attacker got to run inside the worker: raw system calls against another real process
(VICTIM_PID, same user) and real files. Each probe reports the errno it got, or
"allowed". One descriptor is opened *before* hardening on purpose (a pidfd of the
victim) to show that even a leaked one cannot signal. It prints one JSON line.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import struct
import sys

NR = {
    "open": 2,
    "openat": 257,
    "openat2": 437,
    "creat": 85,
    "newfstatat": 262,
    "kill": 62,
    "tkill": 200,
    "tgkill": 234,
    "rt_sigqueueinfo": 129,
    "rt_tgsigqueueinfo": 297,
    "pidfd_open": 434,
    "pidfd_send_signal": 424,
    "setpriority": 141,
    "sched_setscheduler": 144,
    "sched_setattr": 314,
    "sched_setaffinity": 203,
    "prlimit64": 302,
    "ptrace": 101,
    "process_vm_readv": 310,
    "socket": 41,
    "fork": 57,
    "clone": 56,
    "execve": 59,
}
AT_FDCWD = -100
SI_QUEUE = -1
PTRACE_SEIZE = 0x4206


def main(argv: list[str]) -> None:
    root, config, victim, paths = argv[1], json.loads(argv[2]), int(argv[3]), json.loads(argv[4])
    sys.path.insert(0, root)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def sys_call(name, *args) -> str:
        ctypes.set_errno(0)
        raw = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
        rc = libc.syscall(ctypes.c_long(NR[name]), *raw)
        if rc == 0 and name in ("fork", "clone"):
            os._exit(0)  # a child process: it must not report
        if rc < 0:
            return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
        if name in ("open", "openat", "openat2", "creat", "socket", "pidfd_open"):
            os.close(rc)
        return "allowed"

    def cstr(text: str):
        return ctypes.c_char_p(text.encode())

    leaked_pidfd = os.pidfd_open(victim)  # before hardening, as if it had leaked in

    from learning.coding.sandbox import worker

    runners, report = worker.start(config)  # the worker's own start-up and harden()

    siginfo = ctypes.create_string_buffer(struct.pack("iii", signal.SIGTERM, 0, SI_QUEUE), 128)
    how = ctypes.create_string_buffer(struct.pack("QQQ", os.O_RDONLY, 0, 0), 24)
    sched_attr = ctypes.create_string_buffer(struct.pack("IIQiIQQQ", 48, 0, 0, 19, 0, 0, 0, 0), 48)
    sched_param = ctypes.create_string_buffer(struct.pack("i", 0), 4)
    cpu_mask = ctypes.create_string_buffer(b"\x01" + b"\x00" * 127, 128)
    rlimit = ctypes.create_string_buffer(struct.pack("QQ", 1, 1), 16)
    local = ctypes.create_string_buffer(64)
    local_iov = ctypes.create_string_buffer(struct.pack("QQ", ctypes.addressof(local), 64), 16)
    remote_iov = ctypes.create_string_buffer(struct.pack("QQ", 0x400000, 64), 16)
    stat_buf = ctypes.create_string_buffer(256)
    own = os.getpid()
    results: dict = {"hardening": report, "files": {}}
    for path in paths:
        results["files"][path] = {
            "open": sys_call("open", cstr(path), os.O_RDONLY),
            "openat": sys_call("openat", AT_FDCWD, cstr(path), os.O_RDONLY),
            "openat2": sys_call("openat2", AT_FDCWD, cstr(path), how, 24),
            "stat": sys_call("newfstatat", AT_FDCWD, cstr(path), stat_buf, 0),
        }
    results["creat"] = sys_call("creat", cstr(paths[-1] + ".new"), 0o600)
    results["other"] = {
        "kill": sys_call("kill", victim, signal.SIGTERM),
        "kill_group": sys_call("kill", 0, 0),
        "kill_everyone": sys_call("kill", -1, 0),
        "tkill": sys_call("tkill", victim, signal.SIGTERM),
        "tgkill": sys_call("tgkill", victim, victim, signal.SIGTERM),
        "rt_sigqueueinfo": sys_call("rt_sigqueueinfo", victim, signal.SIGTERM, siginfo),
        "rt_tgsigqueueinfo": sys_call("rt_tgsigqueueinfo", victim, victim, signal.SIGTERM, siginfo),
        "pidfd_open": sys_call("pidfd_open", victim, 0),
        "pidfd_send_signal": sys_call("pidfd_send_signal", leaked_pidfd, signal.SIGTERM, None, 0),
        "setpriority": sys_call("setpriority", os.PRIO_PROCESS, victim, 19),
        "sched_setscheduler": sys_call("sched_setscheduler", victim, os.SCHED_IDLE, sched_param),
        "sched_setattr": sys_call("sched_setattr", victim, sched_attr, 0),
        "sched_setaffinity": sys_call("sched_setaffinity", victim, 128, cpu_mask),
        "prlimit64": sys_call("prlimit64", victim, 7, rlimit, None),  # RLIMIT_NOFILE
        "ptrace": sys_call("ptrace", PTRACE_SEIZE, victim, None, None),
        "process_vm_readv": sys_call("process_vm_readv", victim, local_iov, 1, remote_iov, 1, 0),
    }
    results["self"] = {
        "setpriority": sys_call("setpriority", os.PRIO_PROCESS, 0, 19),
        "kill": sys_call("kill", own, 0),
        "tgkill": sys_call("tgkill", own, own, 0),
    }
    results["new"] = {
        "socket_unix": sys_call("socket", 1, 1, 0),
        "socket_inet": sys_call("socket", 2, 1, 0),
        "fork": sys_call("fork"),
        "clone_process": sys_call("clone", signal.SIGCHLD, 0, 0, 0, 0),
    }
    # and the worker is still a worker: it runs JavaScript
    results["javascript"] = runners["javascript"].run(
        files=[{"name": "main.js", "content": "console.log(6 * 7, typeof Math.random())"}],
        stdin="",
        limits={"wall_ms": 2000, "heap_mb": 64, "output_bytes": 65536},
    )
    # last, because if it were allowed this process would become /bin/true
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()
    argv_null = (ctypes.c_char_p * 2)(b"/bin/true", None)
    outcome = sys_call("execve", cstr("/bin/true"), argv_null, None)
    sys.stdout.write(json.dumps({"execve": outcome}) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
