"""Interactive coding: the JavaScript sandbox, drafts and challenges.

Every limit of the sandbox is here so an operator can tighten it without a release.
See docs/coding.md for the security model these numbers belong to."""

import os

from .env import BASE_DIR, env

# --- one run ---
SANDBOX_WALL_TIME_MS = env.int("SANDBOX_WALL_TIME_MS", default=2000)
SANDBOX_HEAP_MB = env.int("SANDBOX_HEAP_MB", default=64)
SANDBOX_OUTPUT_BYTES = env.int("SANDBOX_OUTPUT_BYTES", default=65_536)
SANDBOX_MAX_SOURCE_BYTES = env.int("SANDBOX_MAX_SOURCE_BYTES", default=262_144)
SANDBOX_MAX_STDIN_BYTES = env.int("SANDBOX_MAX_STDIN_BYTES", default=65_536)
SANDBOX_MAX_FILES = env.int("SANDBOX_MAX_FILES", default=20)

# --- the worker pool ---
SANDBOX_POOL_SIZE = env.int("SANDBOX_POOL_SIZE", default=max(2, (os.cpu_count() or 1) * 2))
SANDBOX_RECYCLE_AFTER = env.int("SANDBOX_RECYCLE_AFTER", default=500)
# Workers started beyond SANDBOX_POOL_SIZE and kept ready: a crash never makes the next
# run wait for an interpreter to start.
SANDBOX_POOL_SPARES = env.int("SANDBOX_POOL_SPARES", default=1)
# A replacement for a crashed or killed worker boots at this nice value (0 = normal), so
# a crash loop's restarts yield the CPU to other users' runs; the pool raises it again
# once the worker is ready where it may (CAP_SYS_NICE), else the worker keeps it.
SANDBOX_RESTART_NICE = env.int("SANDBOX_RESTART_NICE", default=10)
# Memory a worker may map beyond what it holds once V8 is up (RLIMIT_DATA): the JS heap
# is capped separately by SANDBOX_HEAP_MB; this also bounds ArrayBuffer backing stores,
# which live outside the JS heap.
SANDBOX_WORKER_EXTRA_MB = env.int("SANDBOX_WORKER_EXTRA_MB", default=256)
SANDBOX_WORKER_NOFILE = env.int("SANDBOX_WORKER_NOFILE", default=64)
SANDBOX_SECCOMP = env.bool("SANDBOX_SECCOMP", default=True)
# Whom a worker becomes before its first job: "auto" = nobody when this process runs as
# root, else no switch; "none" = never; or a user name / uid (needs root).
SANDBOX_WORKER_USER = env("SANDBOX_WORKER_USER", default="auto")
# Extra V8 flags, e.g. "--jitless" (no JIT at all: about half the speed on CPU-bound
# code, a much smaller attack surface).
SANDBOX_V8_FLAGS = env.list("SANDBOX_V8_FLAGS", default=[])
# A run that has used this many ms of CPU gets its isolate's thread reniced to
# SANDBOX_SLOW_RUN_NICE: runaway loops yield the CPU to short runs and the web (0 = off).
# Keep it well above ~10 ms, the CPU a pre-warmed isolate uses when it is created.
SANDBOX_SLOW_RUN_MS = env.int("SANDBOX_SLOW_RUN_MS", default=50)
SANDBOX_SLOW_RUN_NICE = env.int("SANDBOX_SLOW_RUN_NICE", default=10)
# ... and also moved to the SCHED_IDLE class: it then runs only on CPU nothing else wants.
SANDBOX_SLOW_RUN_IDLE = env.bool("SANDBOX_SLOW_RUN_IDLE", default=True)

# --- admission: per user and global, with a bounded wait then 429 ---
SANDBOX_MAX_CONCURRENT_PER_USER = env.int("SANDBOX_MAX_CONCURRENT_PER_USER", default=2)
SANDBOX_MAX_CONCURRENT = env.int("SANDBOX_MAX_CONCURRENT", default=SANDBOX_POOL_SIZE)
SANDBOX_QUEUE_WAIT_MS = env.int("SANDBOX_QUEUE_WAIT_MS", default=3000)
# Fair sharing: a user's second and further concurrent runs are admitted only while this
# many global slots stay free, so an account that holds none always finds one.
SANDBOX_RESERVED_SLOTS = env.int("SANDBOX_RESERVED_SLOTS", default=1)

# --- an account whose runs keep killing workers (crash, kill, wedged isolate) ---
# Within SANDBOX_CRASH_WINDOW_S: the first SANDBOX_CRASH_FREE cost nothing; each further
# one delays the account's next run by SANDBOX_CRASH_BACKOFF_MS, doubling per crash up
# to SANDBOX_CRASH_BACKOFF_MAX_MS; at SANDBOX_CRASH_LIMIT the account's runs are refused
# (429, code sandbox_crash_limit, Retry-After) until the window forgets enough of them.
SANDBOX_CRASH_WINDOW_S = env.int("SANDBOX_CRASH_WINDOW_S", default=60)
SANDBOX_CRASH_FREE = env.int("SANDBOX_CRASH_FREE", default=2)
SANDBOX_CRASH_BACKOFF_MS = env.int("SANDBOX_CRASH_BACKOFF_MS", default=250)
SANDBOX_CRASH_BACKOFF_MAX_MS = env.int("SANDBOX_CRASH_BACKOFF_MAX_MS", default=2000)
SANDBOX_CRASH_LIMIT = env.int("SANDBOX_CRASH_LIMIT", default=8)

# --- service mode: the pool as its own process/container ---
SANDBOX_URL = env("SANDBOX_URL", default="")
SANDBOX_TOKEN = env("SANDBOX_TOKEN", default="")

# --- drafts ---
DRAFT_MAX_FILE_BYTES = env.int("DRAFT_MAX_FILE_BYTES", default=102_400)
DRAFT_MAX_FILES = env.int("DRAFT_MAX_FILES", default=20)
DRAFT_MAX_BYTES = env.int("DRAFT_MAX_BYTES", default=512_000)
DRAFT_HISTORY = env.int("DRAFT_HISTORY", default=20)

# --- challenges ---
CHALLENGE_MAX_TESTS = env.int("CHALLENGE_MAX_TESTS", default=50)
# Challenges per import document (command, API, a lesson of a course import): each one
# runs its reference solution and starter code in the sandbox before anything is written.
CHALLENGE_IMPORT_MAX = env.int("CHALLENGE_IMPORT_MAX", default=20)
# A challenge's hint ladder (the tutor gives them in order): how many rungs, how long each.
CHALLENGE_MAX_HINTS = env.int("CHALLENGE_MAX_HINTS", default=10)
CHALLENGE_HINT_MAX_CHARS = env.int("CHALLENGE_HINT_MAX_CHARS", default=2000)

# --- submissions: what one learner may store ---
# Submissions per user, in DRF's rate syntax ("10/min", "200/hour"); empty = no limit.
CHALLENGE_SUBMIT_RATE = env("CHALLENGE_SUBMIT_RATE", default="10/min")
# Console output stored per test, and for all the tests of one submission (UTF-8 bytes
# of the text + 26 per line, its JSON wrapping); what is cut is marked `output_truncated`.
SUBMISSION_OUTPUT_BYTES_PER_TEST = env.int("SUBMISSION_OUTPUT_BYTES_PER_TEST", default=4096)
SUBMISSION_OUTPUT_BYTES = env.int("SUBMISSION_OUTPUT_BYTES", default=16_384)
# Submissions kept per learner per challenge: the newest N, plus the best one.
SUBMISSION_KEEP = env.int("SUBMISSION_KEEP", default=10)

# --- web challenges (docs/web-challenges.md) ---
# Isolates with linkedom kept ready per worker beyond the usual one, so each test of a
# web challenge starts at once (~10-20 MB each).
SANDBOX_WEB_WARM_ISOLATES = env.int("SANDBOX_WEB_WARM_ISOLATES", default=2)
# Style tests run in headless Chromium, in browser workers of the sandbox pool (the
# web process's, or the sandbox service's with SANDBOX_URL): docs/web-challenges.md.
WEB_BROWSER_PATH = env("WEB_BROWSER_PATH", default="/usr/bin/chromium")
# Wall time of one style test in the browser: loading the page's files (through
# intercepted requests), its scripts and the test.
WEB_BROWSER_WALL_TIME_MS = env.int("WEB_BROWSER_WALL_TIME_MS", default=3000)
# Browser workers (one warm Chromium each, one grading at a time each).
WEB_BROWSER_PAGES = env.int("WEB_BROWSER_PAGES", default=2)
# The V8 heap of a graded page's renderer (--max-old-space-size).
WEB_BROWSER_HEAP_MB = env.int("WEB_BROWSER_HEAP_MB", default=128)
# RLIMIT_DATA of every process of a browser worker (driver, browser, renderers).
WEB_BROWSER_MEMORY_MB = env.int("WEB_BROWSER_MEMORY_MB", default=1024)
# Whom a browser worker becomes before Chromium starts: "auto" = nobody when this
# process runs as root, else no switch; "none"; or a user name / uid (needs root).
WEB_BROWSER_USER = env("WEB_BROWSER_USER", default="auto")
# Chromium's own sandbox: "auto" = on whenever the worker can make a user namespace
# (else off, logged and reported); "on" = refuse to start without it; "off".
WEB_BROWSER_SANDBOX = env("WEB_BROWSER_SANDBOX", default="auto")
# Each browser worker in its own PID + network namespace (`unshare`, needs root or
# CAP_SYS_ADMIN): "auto" = when possible; "on" = required; "off".
WEB_BROWSER_NAMESPACES = env("WEB_BROWSER_NAMESPACES", default="auto")
# Fresh contexts each browser worker prepares while idle (each serves one test).
WEB_BROWSER_WARM_CONTEXTS = env.int("WEB_BROWSER_WARM_CONTEXTS", default=1)
# A browser worker is replaced after this many jobs.
WEB_BROWSER_RECYCLE_AFTER = env.int("WEB_BROWSER_RECYCLE_AFTER", default=200)

# --- plagiarism checks between submissions (docs/similarity.md) ---
# A pair of learners' submissions is reported at or above this score (0..1).
SIMILARITY_THRESHOLD = env.float("SIMILARITY_THRESHOLD", default=0.6)
# A fingerprint found in more learners' submissions than this is an idiom, not evidence.
SIMILARITY_COMMON_DOCS = env.int("SIMILARITY_COMMON_DOCS", default=10)
# A submission with fewer fingerprints of its own (the starter's and the reference's
# removed) is too small to judge (exact duplicates are still reported).
SIMILARITY_MIN_FINGERPRINTS = env.int("SIMILARITY_MIN_FINGERPRINTS", default=4)
# Learners compared per scan (each one's newest submission; the newest learners first).
SIMILARITY_MAX_SUBMISSIONS = env.int("SIMILARITY_MAX_SUBMISSIONS", default=5000)
# A challenge's scan is queued at most once per this many seconds of submissions.
SIMILARITY_QUEUE_TTL_S = env.int("SIMILARITY_QUEUE_TTL_S", default=300)

SANDBOX_VENDOR_DIR = BASE_DIR / "learning" / "coding" / "sandbox" / "vendor"
