"""OS-level limits a sandbox worker puts on itself once V8 is up, before it reads any job.

V8's isolation is the first wall; this is the second, for the day someone escapes it.
The worker process then cannot: start programs or child processes, open sockets,
open files for writing, change its own limits or identity, signal other processes,
or grow its private memory past a fixed budget. Plain standard library (ctypes and
`resource`), no native dependency.

- rlimits: RLIMIT_DATA (private writable memory: V8 heap *and* ArrayBuffer backing
  stores, which the heap limit does not count), RLIMIT_CPU (a last resort: the pool
  kills a worker past its wall time long before), RLIMIT_NOFILE, RLIMIT_FSIZE=0 and
  RLIMIT_CORE=0. RLIMIT_AS is left alone on purpose: V8's sandbox reserves ~1 TiB of
  address space up front, so an address-space cap means nothing here; RLIMIT_DATA is
  the one that bites. RLIMIT_NPROC is not used either: Linux counts threads as
  processes and V8 needs a thread per isolate; the seccomp filter forbids new
  processes (clone without CLONE_THREAD, fork, vfork, execve) instead.
- no_new_privs, then a seccomp-BPF filter (x86-64 only; elsewhere the worker logs
  that it runs without one), synchronised to every thread of the worker (TSYNC).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
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

LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06

CLONE_THREAD = 0x00010000
OPEN_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

# x86-64 syscall numbers denied outright, with the errno the caller sees.
DENIED_X86_64: dict[int, int] = {
    # new programs and processes
    59: errno.EPERM,  # execve
    322: errno.EPERM,  # execveat
    57: errno.EPERM,  # fork
    58: errno.EPERM,  # vfork
    435: errno.ENOSYS,  # clone3 (flags are behind a pointer; glibc falls back to clone)
    # network
    41: errno.EPERM,  # socket
    42: errno.EPERM,  # connect
    43: errno.EPERM,  # accept
    288: errno.EPERM,  # accept4
    49: errno.EPERM,  # bind
    50: errno.EPERM,  # listen
    53: errno.EPERM,  # socketpair
    # the file system, beyond reading
    85: errno.EACCES,  # creat
    437: errno.ENOSYS,  # openat2 (flags behind a pointer)
    76: errno.EPERM,  # truncate
    82: errno.EPERM,  # rename
    264: errno.EPERM,  # renameat
    316: errno.EPERM,  # renameat2
    83: errno.EPERM,  # mkdir
    258: errno.EPERM,  # mkdirat
    84: errno.EPERM,  # rmdir
    86: errno.EPERM,  # link
    265: errno.EPERM,  # linkat
    87: errno.EPERM,  # unlink
    263: errno.EPERM,  # unlinkat
    88: errno.EPERM,  # symlink
    266: errno.EPERM,  # symlinkat
    90: errno.EPERM,  # chmod
    91: errno.EPERM,  # fchmod
    268: errno.EPERM,  # fchmodat
    92: errno.EPERM,  # chown
    93: errno.EPERM,  # fchown
    94: errno.EPERM,  # lchown
    260: errno.EPERM,  # fchownat
    # other processes, the kernel, identity and limits
    101: errno.EPERM,  # ptrace
    310: errno.EPERM,  # process_vm_readv
    311: errno.EPERM,  # process_vm_writev
    200: errno.EPERM,  # tkill
    165: errno.EPERM,  # mount
    166: errno.EPERM,  # umount2
    155: errno.EPERM,  # pivot_root
    161: errno.EPERM,  # chroot
    272: errno.EPERM,  # unshare
    308: errno.EPERM,  # setns
    246: errno.EPERM,  # kexec_load
    320: errno.EPERM,  # kexec_file_load
    175: errno.EPERM,  # init_module
    313: errno.EPERM,  # finit_module
    176: errno.EPERM,  # delete_module
    169: errno.EPERM,  # reboot
    321: errno.EPERM,  # bpf
    298: errno.EPERM,  # perf_event_open
    323: errno.EPERM,  # userfaultfd
    248: errno.EPERM,  # add_key
    249: errno.EPERM,  # request_key
    250: errno.EPERM,  # keyctl
    425: errno.EPERM,  # io_uring_setup
    426: errno.EPERM,  # io_uring_enter
    427: errno.EPERM,  # io_uring_register
    160: errno.EPERM,  # setrlimit
    105: errno.EPERM,  # setuid
    106: errno.EPERM,  # setgid
    113: errno.EPERM,  # setreuid
    114: errno.EPERM,  # setregid
    117: errno.EPERM,  # setresuid
    119: errno.EPERM,  # setresgid
    116: errno.EPERM,  # setgroups
    # ptrace-like access to other processes' fds
    438: errno.EPERM,  # pidfd_getfd
}
SYS_CLONE, SYS_OPEN, SYS_OPENAT, SYS_KILL, SYS_TGKILL, SYS_PRLIMIT64 = 56, 2, 257, 62, 234, 302


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def _arg_lo(index: int) -> int:
    """Offset of the low 32 bits of syscall argument `index` in struct seccomp_data."""
    return 16 + 8 * index


def build_filter(own_pid: int) -> bytes:
    """The BPF program, as bytes of struct sock_filter."""
    prog = [
        _insn(LD_W_ABS, 0, 0, 4),  # arch
        _insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(RET_K, 0, 0, RET_KILL_PROCESS),  # i386 / x32 entry points: no way around the list
        _insn(LD_W_ABS, 0, 0, 0),  # syscall number
        _insn(JGE_K, 0, 1, X32_SYSCALL_BIT),
        _insn(RET_K, 0, 0, RET_KILL_PROCESS),
    ]
    for nr, err in DENIED_X86_64.items():
        prog += [_insn(JEQ_K, 0, 1, nr), _insn(RET_K, 0, 0, RET_ERRNO | err)]

    def arg_rule(nr: int, arg: int, op: int, k: int, *, match: int, other: int) -> list[bytes]:
        # if nr: load arg; if (arg op k) return match else return other
        return [
            _insn(JEQ_K, 0, 4, nr),
            _insn(LD_W_ABS, 0, 0, _arg_lo(arg)),
            _insn(op, 0, 1, k),
            _insn(RET_K, 0, 0, match),
            _insn(RET_K, 0, 0, other),
        ]

    # Each arg rule clobbers A, so reload the number before the next one.
    rules = [
        arg_rule(SYS_CLONE, 0, JSET_K, CLONE_THREAD, match=RET_ALLOW, other=RET_ERRNO | errno.EPERM),
        arg_rule(SYS_OPEN, 1, JSET_K, OPEN_WRITE_FLAGS, match=RET_ERRNO | errno.EACCES, other=RET_ALLOW),
        arg_rule(SYS_OPENAT, 2, JSET_K, OPEN_WRITE_FLAGS, match=RET_ERRNO | errno.EACCES, other=RET_ALLOW),
        arg_rule(SYS_KILL, 0, JEQ_K, own_pid, match=RET_ALLOW, other=RET_ERRNO | errno.EPERM),
        arg_rule(SYS_TGKILL, 0, JEQ_K, own_pid, match=RET_ALLOW, other=RET_ERRNO | errno.EPERM),
    ]
    # prlimit64 may read limits (new_limit == NULL) but never change them.
    rules.append(
        [
            _insn(JEQ_K, 0, 6, SYS_PRLIMIT64),
            _insn(LD_W_ABS, 0, 0, _arg_lo(2)),
            _insn(JEQ_K, 0, 2, 0),
            _insn(LD_W_ABS, 0, 0, _arg_lo(2) + 4),
            _insn(JEQ_K, 1, 0, 0),
            _insn(RET_K, 0, 0, RET_ERRNO | errno.EPERM),
            _insn(RET_K, 0, 0, RET_ALLOW),
        ]
    )
    for rule in rules:
        prog += rule
        prog.append(_insn(LD_W_ABS, 0, 0, 0))
    prog.append(_insn(RET_K, 0, 0, RET_ALLOW))
    return b"".join(prog)


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


def harden(*, extra_data_bytes: int, nofile: int, cpu_seconds: int, seccomp: bool) -> dict:
    report = {
        "rlimits": apply_rlimits(extra_data_bytes=extra_data_bytes, nofile=nofile, cpu_seconds=cpu_seconds)
    }
    report["seccomp"] = False
    if seccomp and seccomp_supported():
        install_seccomp()
        report["seccomp"] = True
    return report


def selfcheck() -> dict:
    """What a hostile payload that escaped V8 would hit: each probe reports the errno it
    got, or "allowed". Run inside a hardened worker by the `selfcheck` job."""
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

    def raise_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))

    return {
        "fork": probe(raw_fork),
        "spawn": probe(spawn),
        "socket": probe(tcp),
        "open_for_write": probe(write_file),
        "signal_parent": probe(signal_parent),
        "raise_rlimit": probe(raise_limit),
        "read_file": probe(lambda: open("/proc/self/status").close()),
        "rlimit_data": resource.getrlimit(resource.RLIMIT_DATA)[0],
        "rlimit_nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "rlimit_fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
    }
