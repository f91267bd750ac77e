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

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.FileAwareEnv()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))


def local_secret(path: Path, *, min_length: int = 50) -> str:
    """A random key kept in `path`, made on first use (86 URL-safe characters, 0600).

    For development only: the key never leaves the machine and survives restarts, so
    sessions and tokens stay valid. Several processes may start at once (`make run`
    starts web and worker together): the file appears complete or not at all (written
    aside, then linked into place), and whoever loses the race reads the winner's key.
    A file shorter than `min_length` (emptied by hand) is replaced."""
    try:
        key, found = path.read_text().strip(), True
    except FileNotFoundError:
        key, found = "", False
    if len(key) >= min_length:
        return key
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64) + "\n")
        if found:
            os.replace(tmp, path)  # a short key in the file: replace it
        else:  # never replace here: another process may have just made it
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path.read_text().strip()
