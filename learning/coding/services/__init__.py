"""State changes and side effects of the coding app: running code, drafts, challenges,
authors' checks and learners' submissions.

Running code is a use case like any other: admission (per-user and global slots),
the sandbox, then a `code_run` event — with the outcome and sizes, never the code.

The package, one module per concern: `runs` (the sandbox and its admission), `drafts`,
`challenges` (authors' changes and their announcement), `checks` (an author's check, the
last one kept), `submissions`. Callers import from `learning.coding.services`.
"""

from .challenges import (  # noqa: F401
    challenge_create,
    challenge_delete,
    challenge_import,
    challenge_placements,
    challenge_update,
    challenges_changed_announce,
)
from .checks import (  # noqa: F401
    CHECK_MESSAGE_MAX,
    ChallengeCheck,
    challenge_check,
    challenge_check_both,
    challenge_check_record,
    challenge_check_starter,
    challenge_tests_for_check,
    check_failure_message,
)
from .drafts import (  # noqa: F401
    DraftConflict,
    draft_files_clean,
    draft_reset,
    draft_restore,
    draft_save,
    serializers_error,
)
from .runs import (  # noqa: F401
    ENTRY_FILE,
    RUNNABLE_EXTENSIONS,
    BrowserMissingError,
    SandboxBusyError,
    SandboxCrashLimitError,
    SandboxDownError,
    SourceFile,
    code_files,
    code_run,
    code_run_tests,
    entry_file,
    runnable_files,
    sandbox_limits,
)
from .similarity import (  # noqa: F401
    challenge_base_files,
    similarity_scan_projects_request,
    similarity_scan_projects_run,
    similarity_scan_request,
    similarity_scan_run,
    submission_duplicate_find,
    submission_token_hash,
)
from .submissions import (  # noqa: F401
    STORED_LINE_BYTES,
    challenge_submit,
    stored_output,
    stored_output_bytes,
    submissions_trim,
    submissions_trim_all,
)
