"""The one shared environment reader.

`FileAwareEnv` implements the Docker secrets convention: for any variable NAME,
NAME_FILE (a path) wins over NAME, so `SECRET_KEY_FILE=/run/secrets/key` works.
A `.env` file at the project root is read if present (never committed;
`.env.example` documents every variable).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.FileAwareEnv()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))
