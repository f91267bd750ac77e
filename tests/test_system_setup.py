"""`make test` sets up the system packages the suite needs (.ci/setup-system.sh).

The script is run for real. Only the package system itself is stood in for: a fake
`dpkg-query` on PATH says which packages are installed, and a fake `apt-get` records its
arguments (nothing is really installed). The non-root case runs as the `nobody` user.
"""

import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "setup-system.sh"
PACKAGE_LIST = ROOT / ".ci" / "system-packages.txt"
DROP_TO_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def listed_packages() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in PACKAGE_LIST.read_text().splitlines())
    return [line for line in lines if line]


class FakeSystem:
    """A bin directory to put first on PATH, readable by `nobody` (pytest's tmp_path is
    not), with a dpkg-query that knows `installed` and an apt-get that records its calls."""

    def __init__(self, root: Path):
        self.bin = root / "bin"
        self.bin.mkdir()
        self.apt_log = root / "apt-get.log"
        self.apt_log.touch()
        self.apt_log.chmod(0o666)  # a wrong call as `nobody` is recorded too, not lost

    def _tool(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text("#!/bin/bash\n" + body)
        path.chmod(0o755)

    def dpkg_query(self, installed: list[str], real: bool = False) -> None:
        if real:  # the machine's own answer
            return
        known = " ".join(installed)
        # Answers `dpkg-query -W -f=<format> <pkg>` as dpkg does for an installed package,
        # and fails for any other (dpkg's answer for an unknown one).
        self._tool(
            "dpkg-query",
            f'pkg="${{@: -1}}"\n'
            f'for p in {known}; do [ "$p" = "$pkg" ] && {{ printf installed; exit 0; }}; done\n'
            'echo "dpkg-query: no packages found matching $pkg" >&2\nexit 1\n',
        )

    def apt_get(self) -> None:
        self._tool("apt-get", f'echo "$*" >> {self.apt_log}\nexit 0\n')

    def fake_root(self) -> None:
        """Only when the suite itself is not run as root: `id -u` answers 0."""
        self._tool("id", 'if [ "$1" = "-u" ]; then echo 0; else exec /usr/bin/id "$@"; fi\n')

    @property
    def apt_calls(self) -> list[str]:
        return self.apt_log.read_text().splitlines()

    def run(self, *, as_nobody: bool = False) -> subprocess.CompletedProcess:
        env = {"PATH": f"{self.bin}:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        command = ["bash", str(SCRIPT)]
        if as_nobody and os.geteuid() == 0:
            command = DROP_TO_NOBODY + command
        return subprocess.run(command, env=env, cwd="/", capture_output=True, text=True, timeout=60)


@pytest.fixture
def fake_system():
    with tempfile.TemporaryDirectory(prefix="system-setup-") as root:
        # readable by `nobody`: the fake tools run as that user in the non-root case
        os.chmod(root, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)  # noqa: S103
        fake = FakeSystem(Path(root))
        fake.apt_get()
        yield fake


def test_the_list_names_the_browser_the_suite_drives():
    """chromium, and not chromium-driver: Playwright drives the browser itself."""
    assert "chromium" in listed_packages()
    assert "chromium-driver" not in listed_packages()


def test_missing_package_without_root_stops_with_the_command_to_run(fake_system):
    fake_system.dpkg_query(installed=[])
    result = fake_system.run(as_nobody=True)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    expected = "sudo apt-get update && sudo apt-get install -y " + " ".join(listed_packages())
    assert expected in output, output
    assert fake_system.apt_calls == []


def test_nothing_missing_does_nothing(fake_system):
    fake_system.dpkg_query(installed=listed_packages())
    result = fake_system.run()
    assert result.returncode == 0, result.stderr
    assert fake_system.apt_calls == []
    assert result.stdout == "" and result.stderr == ""


def test_nothing_missing_without_root_is_fine_too(fake_system):
    fake_system.dpkg_query(installed=listed_packages())
    result = fake_system.run(as_nobody=True)
    assert result.returncode == 0, result.stderr
    assert fake_system.apt_calls == []


def test_missing_package_as_root_is_installed_with_apt(fake_system):
    if os.geteuid() != 0:
        fake_system.fake_root()
    installed, missing = listed_packages()[:-1], listed_packages()[-1]
    fake_system.dpkg_query(installed=installed)
    result = fake_system.run()
    assert result.returncode == 0, result.stderr
    calls = fake_system.apt_calls
    assert len(calls) == 2, calls
    assert calls[0].split()[0] == "update"
    install = calls[1].split()
    assert install[0] == "install" and "-y" in install
    assert [arg for arg in install[1:] if not arg.startswith("-")] == [missing]


def test_this_machine_has_every_listed_package(fake_system):
    """With the machine's real dpkg-query: what `make test` checks is what is here
    (the browser test needs it), so the step is a no-op and calls no apt-get."""
    fake_system.dpkg_query(installed=[], real=True)
    result = fake_system.run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake_system.apt_calls == []


@pytest.mark.parametrize("target", ["test", "test-sqlite", "test-postgres"])
def test_make_test_runs_the_system_setup_first(target):
    """`make -n` prints the commands in the order they would run: the system step comes
    before the venv install, lint and pytest."""
    make = shutil.which("make")
    assert make, "make is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        [make, "-n", "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    setup = next(i for i, line in enumerate(lines) if re.search(r"\.ci/setup-system\.sh\b", line))
    pytest_line = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    lint_line = next(i for i, line in enumerate(lines) if "ruff check" in line)
    assert setup < lint_line < pytest_line, result.stdout
    pip_lines = [i for i, line in enumerate(lines) if "pip install" in line]
    assert all(setup < i for i in pip_lines), result.stdout


def test_ci_uses_the_same_list():
    """.ci/run calls the script without its own package names: one list."""
    ci = (ROOT / ".ci" / "run").read_text()
    lines = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]
    calls = [line.split() for line in lines if "setup-system.sh" in line]
    assert calls == [["bash", ".ci/setup-system.sh"]]


def test_without_dpkg_it_names_the_packages_and_lets_the_suite_judge(fake_system):
    """On a system that is not Debian-based there is nothing to check with: the script
    says what to install and goes on (the browser test fails by itself without Chromium)."""
    for tool in ("bash", "dirname", "id"):
        (fake_system.bin / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(fake_system.bin), "LANG": "C.UTF-8"}
    bash = str(fake_system.bin / "bash")
    result = subprocess.run([bash, str(SCRIPT)], env=env, cwd="/", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert " ".join(listed_packages()) in result.stderr
    assert fake_system.apt_calls == []
