"""The one shared environment reader.

`FileAwareEnv` implements the Docker secrets convention: for any variable NAME,
NAME_FILE (a path) wins over NAME, so `SECRET_KEY_FILE=/run/secrets/key` works.
A `.env` file at the project root is read if present (never committed;
`.env.example` documents every variable).
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.FileAwareEnv()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))


# Variables a deployment must give. A settings module asks for one with `required()`,
# which notes a missing one instead of stopping there; `check_required()` then names
# every missing one in a single ImproperlyConfigured, so a deployment learns all it
# lacks from one failed start. base.py checks at its end; prod.py defers that check to
# its own end, where its own requirements and the strength of the keys join the list.
_missing: dict[str, str] = {}  # name -> when it is required
_deferred = False


def required(name: str, *, when: str = "") -> str:
    """The value of `name` (or the file `name`_FILE names), noted as missing when empty.
    `when` says under which condition it is required, for the message."""
    value = env(name, default="")
    if not value:
        _missing.setdefault(name, when)
    return value


def defer_required_check() -> None:
    global _deferred
    _deferred = True


def check_required(problems: list[str] | tuple[str, ...] = (), *, final: bool = False) -> None:
    """Raise one ImproperlyConfigured naming every missing variable and every other
    `problems` (unless deferred and not `final`)."""
    if _deferred and not final:
        return
    lines = [
        f"{name} is not set" + (f" (required {when})" if when else "") for name, when in _missing.items()
    ] + list(problems)
    if lines:
        raise ImproperlyConfigured(
            f"{len(lines)} setting(s) missing or unusable:\n"
            + "\n".join(f"  - {line}" for line in lines)
            + "\nSet each NAME (or NAME_FILE with the path of a file holding it). "
            "See .env.example and the env table in README.md."
        )


def local_secret(path: Path, *, min_length: int = 50) -> str:
    """A random key kept in `path`, made on first use (86 URL-safe characters, 0600).

    For development only: the key never leaves the machine and survives restarts, so
    sessions and tokens stay valid. Several processes may start at once (`make run`
    starts web and worker together): the file appears complete or not at all (written
    aside, then linked into place), and whoever loses the race reads the winner's key.
    A file shorter than `min_length` (emptied by hand) is replaced."""
    return _local_file(
        path, make=lambda: secrets.token_urlsafe(64), usable=lambda text: len(text) >= min_length
    )


def local_signing_key(path: Path) -> str:
    """An Ed25519 private key (PKCS#8 PEM) kept in `path`, made on first use, the same
    way as `local_secret`: the dev key that signs Open Badges (docs/open-badges.md)."""

    def make() -> str:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return (
            Ed25519PrivateKey.generate()
            .private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            .decode()
            .strip()
        )

    return _local_file(path, make=make, usable=lambda text: "PRIVATE KEY-----" in text)


def _local_file(path: Path, *, make, usable) -> str:
    try:
        key, found = path.read_text().strip(), True
    except FileNotFoundError:
        key, found = "", False
    if usable(key):
        return key
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
        if found:
            os.replace(tmp, path)  # an unusable key in the file: replace it
        else:  # never replace here: another process may have just made it
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path.read_text().strip()
