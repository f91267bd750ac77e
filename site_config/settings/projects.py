"""Project workspaces (learning/projects, docs/projects.md): limits, the preview origin,
share links and zip import/export. Every number is an environment variable."""

from .env import env

# --- a workspace ---
PROJECT_MAX_FILE_BYTES = env.int("PROJECT_MAX_FILE_BYTES", default=204_800)
PROJECT_MAX_FILES = env.int("PROJECT_MAX_FILES", default=50)
PROJECT_MAX_FOLDERS = env.int("PROJECT_MAX_FOLDERS", default=50)
PROJECT_MAX_BYTES = env.int("PROJECT_MAX_BYTES", default=1_048_576)
PROJECT_MAX_PER_USER = env.int("PROJECT_MAX_PER_USER", default=20)
PROJECT_SAVE_POINTS_KEPT = env.int("PROJECT_SAVE_POINTS_KEPT", default=20)
PROJECT_MAX_PATH_DEPTH = env.int("PROJECT_MAX_PATH_DEPTH", default=8)
PROJECT_MAX_PATH_CHARS = env.int("PROJECT_MAX_PATH_CHARS", default=200)
PROJECT_FILE_EXTENSIONS = env.list(
    "PROJECT_FILE_EXTENSIONS", default=["html", "htm", "css", "js", "mjs", "json", "md", "svg", "txt"]
)

# --- live preview ---
# Empty: previews are served by this host. Set to e.g. "https://preview.mrict.example"
# (another registrable domain is best) pointing at the same app: the preview URLs then
# use it, and that host serves nothing but previews.
PROJECT_PREVIEW_ORIGIN = env("PROJECT_PREVIEW_ORIGIN", default="").rstrip("/")
PROJECT_PREVIEW_TOKEN_SECONDS = env.int("PROJECT_PREVIEW_TOKEN_SECONDS", default=900)
# Who may frame a preview (CSP frame-ancestors); empty = the CORS front-end origins.
PROJECT_PREVIEW_FRAME_ANCESTORS = env.list("PROJECT_PREVIEW_FRAME_ANCESTORS", default=[])

# --- share links ---
PROJECT_SHARE_DEFAULT_HOURS = env.int("PROJECT_SHARE_DEFAULT_HOURS", default=168)
PROJECT_SHARE_MAX_HOURS = env.int("PROJECT_SHARE_MAX_HOURS", default=720)
PROJECT_SHARES_PER_PROJECT = env.int("PROJECT_SHARES_PER_PROJECT", default=10)

# --- zip import ---
PROJECT_ZIP_MAX_BYTES = env.int("PROJECT_ZIP_MAX_BYTES", default=2_097_152)
PROJECT_ZIP_MAX_ENTRIES = env.int("PROJECT_ZIP_MAX_ENTRIES", default=200)
PROJECT_ZIP_MAX_RATIO = env.int("PROJECT_ZIP_MAX_RATIO", default=100)
