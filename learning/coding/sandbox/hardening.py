"""OS-level limits a sandbox worker puts on itself once V8 is up, before it reads any job.

V8's isolation is the first wall; this is the second, for the day someone escapes it
(runs native code inside the worker). `harden()` does three things, in this order:

1. Identity: drops to the worker user (SANDBOX_WORKER_USER; by default `nobody` when
   the process runs as root, else no switch): no supplementary groups, real, effective
   and saved ids all that user's. It happens here, after V8 and the runners are loaded
   and before the first job is read, because the interpreter and its libraries may live
   where that user cannot read (a pyenv under /root). From then on the worker cannot
   read files of the web user, nor signal or trace its processes, whatever the filter
   below allows.
2. rlimits: RLIMIT_DATA (private writable memory: V8 heap *and* ArrayBuffer backing
   stores, which the heap limit does not count), RLIMIT_CPU (a last resort: the pool
   kills a worker past its wall time long before), RLIMIT_NOFILE, RLIMIT_FSIZE=0 and
   RLIMIT_CORE=0. RLIMIT_AS is left alone on purpose: V8's sandbox reserves ~1 TiB of
   address space up front, so an address-space cap means nothing here; RLIMIT_DATA is
   the one that bites. RLIMIT_NPROC is not used either: Linux counts threads as
   processes and V8 needs a thread per isolate; the filter forbids new processes.
3. no_new_privs, then a seccomp-BPF *allow-list* (x86-64 Linux only; elsewhere the
   pool logs that its workers run without one), synchronised to every thread (TSYNC). Every
   system call not listed in ALLOWED_X86_64 or ARG_RULES fails with EPERM; a call
   through another ABI (i386, x32) kills the process. What that leaves a worker:
   memory management, threads (clone with CLONE_THREAD only), futexes, clocks and
   sleeps, getrandom, reading and writing the descriptors it already holds (its job
   pipes and its event loop's self-pipe), signals to itself only, and reading (never
   changing) its own limits. No open/openat/openat2/creat of anything, no stat of a
   path, no exec, no fork, no new socket, no signal, renice or trace of any other
   process (kill/tgkill only with its own pid; tkill, rt_(tg)sigqueueinfo and every
   pidfd_* call refused), no setpriority/sched_set* at all (the pool renices a slow
   run's thread from the parent, see pool.py), no ptrace or process_vm_*.

   So whatever the worker needs later is opened before the filter: V8's snapshot and
   ICU data are mapped by `init_mini_racer`, and V8's random seeds (which it would read
   from /dev/urandom for each isolate) come from the getrandom system call through the
   entropy source the JavaScript runner installs (runners/javascript.py).

The filter is written by hand as classic BPF with the standard library (ctypes and
`struct`), no native dependency; `build_filter()` is pure and tested.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import pwd
import resource
import struct

PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SYS_SECCOMP_X86_64 = 317
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000

RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
RET_DENY = RET_ERRNO | errno.EPERM

LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06

CLONE_THREAD = 0x00010000
PR_SET_NAME, PR_GET_NAME, PR_SET_VMA = 15, 16, 0x53564D41

# x86-64 system calls a hardened worker may make with any arguments. Found by tracing
# workers through every kind of job (runs, tests, timeouts, out-of-memory, output
# limits, Intl, timers, syntax and runtime errors) and kept to what that needs; the
# hottest first (the filter checks them in this order).
ALLOWED_X86_64: dict[str, int] = {
    "futex": 202,
    "mprotect": 10,
    "epoll_wait": 232,
    "getpid": 39,
    "recvfrom": 45,  # the event loop's self-pipe (a socketpair made before the filter)
    "mmap": 9,
    "munmap": 11,
    "madvise": 28,
    "read": 0,
    "write": 1,
    "close": 3,
    "gettid": 186,
    "rt_sigprocmask": 14,
    "clock_gettime": 228,
    "clock_nanosleep": 230,
    "nanosleep": 35,
    "getrandom": 318,
    "sched_yield": 24,
    "rt_sigaction": 13,
    "rt_sigreturn": 15,
    "sigaltstack": 131,
    "set_robust_list": 273,
    "rseq": 334,
    "exit": 60,
    "exit_group": 231,
    "restart_syscall": 219,
    "mremap": 25,
    "brk": 12,
    "pkey_mprotect": 329,
    "pkey_alloc": 330,
    "pkey_free": 331,
    "epoll_pwait": 281,
    "epoll_ctl": 233,
    "poll": 7,
    "ppoll": 271,
    "select": 23,
    "pselect6": 270,
    "readv": 19,
    "writev": 20,
    "lseek": 8,
    "fcntl": 72,
    "fstat": 5,
    "getppid": 110,
    "getuid": 102,
    "geteuid": 107,
    "getgid": 104,
    "getegid": 108,
    "getgroups": 115,
    "getrlimit": 97,
    "getrusage": 98,
    "times": 100,
    "sysinfo": 99,
    "uname": 63,
    "gettimeofday": 96,
    "time": 201,
    "clock_getres": 229,
    "sched_getaffinity": 204,
    "sched_getparam": 143,
    "sched_getscheduler": 145,
    "getpriority": 140,
}

# System calls allowed only with some arguments: every condition must hold, or EPERM.
# A condition is ("in", arg, values): the low 32 bits of the argument (an int in the
# kernel's signature) are one of `values`; ("set", arg, mask): some bit of mask is set;
# ("null", arg): the whole 64-bit argument is 0. OWN_PID stands for the worker's pid.
OWN_PID = object()
ARG_RULES: dict[str, tuple[int, list[tuple]]] = {
    # threads, never processes
    "clone": (56, [("set", 0, CLONE_THREAD)]),
    # signals to itself only (abort() is tgkill(own pid, own tid, SIGABRT)); tgkill
    # cannot reach a thread outside the thread group it names
    "kill": (62, [("in", 0, (OWN_PID,))]),
    "tgkill": (234, [("in", 0, (OWN_PID,))]),
    # read its own limits (new_limit NULL), never change them, never read another's
    "prlimit64": (302, [("in", 0, (0, OWN_PID)), ("null", 2)]),
    # send on the self-pipe socket it holds; never to an address
    "sendto": (44, [("null", 4)]),
    # thread names and V8's names for its mappings
    "prctl": (157, [("in", 0, (PR_SET_NAME, PR_GET_NAME, PR_SET_VMA))]),
}

# Refused with another errno than EPERM, where the C library needs it to fall back.
ERRNO_X86_64: dict[str, tuple[int, int]] = {
    # glibc creates threads with clone3 (its flags sit behind a pointer a filter cannot
    # read); ENOSYS makes it fall back to clone, whose flags the rule above checks
    "clone3": (435, errno.ENOSYS),
}


class _Program:
    """A tiny classic-BPF assembler: forward jumps to named labels."""

    def __init__(self) -> None:
        self.code: list[tuple[int, object, object, int]] = []
        self.labels: dict[str, int] = {}
        self._n = 0

    def new_label(self) -> str:
        self._n += 1
        return f"L{self._n}"

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def emit(self, code: int, k: int, jt: object = 0, jf: object = 0) -> None:
        self.code.append((code, jt, jf, k))

    def assemble(self) -> bytes:
        out = []
        for index, (code, jt, jf, k) in enumerate(self.code):
            offsets = []
            for target in (jt, jf):
                if isinstance(target, str):
                    target = self.labels[target] - index - 1
                if not 0 <= target <= 255:
                    raise ValueError("BPF jump out of range")
                offsets.append(target)
            out.append(struct.pack("HBBI", code, offsets[0], offsets[1], k & 0xFFFFFFFF))
        return b"".join(out)


def _arg_lo(index: int) -> int:
    """Offset of the low 32 bits of syscall argument `index` in struct seccomp_data."""
    return 16 + 8 * index


def build_filter(own_pid: int) -> bytes:
    """The BPF program (struct sock_filter[] as bytes) for a worker whose pid is own_pid."""
    p = _Program()
    p.emit(LD_W_ABS, 4)  # arch
    p.emit(JEQ_K, AUDIT_ARCH_X86_64, 1, 0)
    p.emit(RET_K, RET_KILL_PROCESS)  # i386 entry points: no way around the list
    p.emit(LD_W_ABS, 0)  # syscall number
    p.emit(JGE_K, X32_SYSCALL_BIT, 0, 1)
    p.emit(RET_K, RET_KILL_PROCESS)  # x32 numbers
    for nr in ALLOWED_X86_64.values():
        p.emit(JEQ_K, nr, 0, 1)
        p.emit(RET_K, RET_ALLOW)
    for nr, err in ERRNO_X86_64.values():
        p.emit(JEQ_K, nr, 0, 1)
        p.emit(RET_K, RET_ERRNO | err)
    for nr, conditions in ARG_RULES.values():
        # Each rule ends in a return, so A (clobbered by the argument loads) never
        # reaches the next rule's number check.
        skip, deny, allow = p.new_label(), p.new_label(), p.new_label()
        p.emit(JEQ_K, nr, 0, skip)
        for kind, arg, *rest in conditions:
            value = rest[0] if rest else None
            if kind == "in":
                p.emit(LD_W_ABS, _arg_lo(arg))
                values = [own_pid if v is OWN_PID else v for v in value]
                ok = p.new_label()
                for v in values[:-1]:
                    p.emit(JEQ_K, v, ok, 0)
                p.emit(JEQ_K, values[-1], 0, deny)
                p.label(ok)
            elif kind == "set":
                p.emit(LD_W_ABS, _arg_lo(arg))
                p.emit(JSET_K, value, 0, deny)
            elif kind == "null":
                p.emit(LD_W_ABS, _arg_lo(arg))
                p.emit(JEQ_K, 0, 0, deny)
                p.emit(LD_W_ABS, _arg_lo(arg) + 4)
                p.emit(JEQ_K, 0, 0, deny)
            else:  # pragma: no cover - a typo in ARG_RULES
                raise ValueError(kind)
        p.emit(JEQ_K, 0, allow, allow)  # all conditions held
        p.label(deny)
        p.emit(RET_K, RET_DENY)
        p.label(allow)
        p.emit(RET_K, RET_ALLOW)
        p.label(skip)
    p.emit(RET_K, RET_DENY)  # everything else
    return p.assemble()


def seccomp_supported() -> bool:
    return platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64")


def install_seccomp() -> None:
    """No new privileges, then the filter on every thread of this process."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    program = build_filter(os.getpid())
    count = len(program) // 8
    buf = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(count, ctypes.addressof(buf))
    libc.syscall.restype = ctypes.c_long
    rc = libc.syscall(
        ctypes.c_long(SYS_SECCOMP_X86_64),
        ctypes.c_long(SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if rc != 0:
        raise OSError(ctypes.get_errno(), f"seccomp(SET_MODE_FILTER, TSYNC) failed (rc={rc})")


# --- identity ---

AUTO_USER = "auto"
NOBODY = "nobody"


def resolve_worker_user(value: str) -> tuple[int, int] | None:
    """SANDBOX_WORKER_USER -> (uid, gid) to drop to, or None for no switch.

    `auto` (the default): `nobody` when this process runs as root, else no switch (an
    unprivileged process cannot change its user). `none` or empty: never switch. A user
    name or a numeric uid: that user (its primary group); the pool's process must then
    be root."""
    value = (value or "").strip()
    if value.lower() in ("", "none"):
        return None
    if value.lower() == AUTO_USER:
        if os.geteuid() != 0:
            return None
        value = NOBODY
    try:
        entry = pwd.getpwuid(int(value)) if value.isdigit() else pwd.getpwnam(value)
    except KeyError:
        if value == NOBODY:
            return 65534, 65534
        raise ValueError(f"SANDBOX_WORKER_USER: no user {value!r} on this host") from None
    return entry.pw_uid, entry.pw_gid


def drop_identity(uid: int, gid: int) -> None:
    """Become uid:gid for good (real, effective and saved ids; no supplementary groups).
    glibc applies each call to every thread of the process."""
    if (os.getuid(), os.geteuid(), os.getgid(), os.getegid()) == (uid, uid, gid, gid) and not os.getgroups():
        return
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        raise OSError(errno.EPERM, "the worker could not drop its identity")


# --- limits ---


def vm_data_bytes() -> int:
    """This process's private writable memory (VmData), the quantity RLIMIT_DATA caps."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_rlimits(*, extra_data_bytes: int, nofile: int, cpu_seconds: int) -> dict:
    """Caps relative to what the worker holds once V8 and a warm isolate are up."""
    data = vm_data_bytes() + extra_data_bytes
    limits = {
        "RLIMIT_DATA": data,
        "RLIMIT_CPU": cpu_seconds,
        "RLIMIT_NOFILE": nofile,
        "RLIMIT_FSIZE": 0,
        "RLIMIT_CORE": 0,
    }
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    return limits


def harden(
    *, extra_data_bytes: int, nofile: int, cpu_seconds: int, seccomp: bool, user: list | None = None
) -> dict:
    """Identity, then limits, then the filter (see the module docstring). `user` is the
    [uid, gid] the pool resolved from SANDBOX_WORKER_USER, or None."""
    report: dict = {"user": None}
    if user:
        uid, gid = int(user[0]), int(user[1])
        drop_identity(uid, gid)
        report["user"] = [uid, gid]
    report["rlimits"] = apply_rlimits(
        extra_data_bytes=extra_data_bytes, nofile=nofile, cpu_seconds=cpu_seconds
    )
    report["seccomp"] = False
    if seccomp:
        if seccomp_supported():
            install_seccomp()
            report["seccomp"] = True
        else:
            # The worker has no log handler (its stderr is /dev/null): the pool logs this.
            report["seccomp_missing"] = (
                f"the filter is written for x86-64 Linux, this is {platform.system()} {platform.machine()}"
            )
    return report


# --- what an escaped payload would hit ---


def selfcheck(read_paths: list[str] | tuple = ()) -> dict:
    """What a hostile payload that escaped V8 would hit: each probe reports the errno it
    got, or "allowed". Run inside a hardened worker by the `selfcheck` job (the sandbox
    service never forwards `read_paths` from its callers)."""
    import socket
    import subprocess

    def probe(fn) -> str:
        try:
            result = fn()
        except OSError as exc:
            return errno.errorcode.get(exc.errno or 0, str(exc.errno))
        except Exception as exc:  # noqa: BLE001 - reporting, not handling
            return type(exc).__name__
        if isinstance(result, int) and result == 0:
            os._exit(0)  # a forked child: leave at once
        return "allowed"

    libc = ctypes.CDLL(None, use_errno=True)

    def raw_fork():
        pid = libc.fork()
        if pid < 0:
            raise OSError(ctypes.get_errno(), "fork")
        return pid or 0

    def spawn():
        subprocess.run(["/bin/true"], check=False)

    def tcp():
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()

    def write_file():
        with open(os.path.join("/tmp", f"mrict-sandbox-probe-{os.getpid()}"), "w") as f:  # noqa: S108
            f.write("x")

    def signal_parent():
        os.kill(os.getppid(), 0)

    def signal_self():
        os.kill(os.getpid(), 0)
        return None

    def raise_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))

    def read(path):
        def go():
            with open(path, "rb") as f:
                f.read(1)

        return go

    return {
        "fork": probe(raw_fork),
        "spawn": probe(spawn),
        "socket": probe(tcp),
        "open_for_write": probe(write_file),
        "signal_parent": probe(signal_parent),
        "signal_self": probe(signal_self),
        "raise_rlimit": probe(raise_limit),
        "read_file": probe(read("/proc/self/status")),
        "read_paths": {path: probe(read(path)) for path in read_paths},
        "ids": {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups()},
        "rlimit_data": resource.getrlimit(resource.RLIMIT_DATA)[0],
        "rlimit_nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "rlimit_fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
    }
