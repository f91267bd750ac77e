"""docs/permission-matrix.md, rendered from the matrix in tests/test_permission_matrix.py (its
rows from tests/permission_matrix/rows_<area>.py, one module per area).

Regenerate after changing a row:

    DJANGO_SETTINGS_MODULE=site_config.settings.test .venv/bin/python -m tests.permission_matrix.render

(`test_rendered_matrix_is_current` fails until the checked-in file matches.)
"""

from __future__ import annotations

import os
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "permission-matrix.md"
COMMAND = (
    "DJANGO_SETTINGS_MODULE=site_config.settings.test .venv/bin/python -m tests.permission_matrix.render"
)

INTRO = """\
# Permission matrix

Generated from `tests/test_permission_matrix.py` (the rows: `tests/permission_matrix/rows_<area>.py`,
one module per area) by `tests/permission_matrix/render.py`: do not edit by hand. After
changing a row, regenerate it with

    {command}

(`test_rendered_matrix_is_current` fails until you do).

Each row is one request, and each cell the status that caller gets; every cell is a test
(`test_permission_matrix`, `test_probe_matrix`, `test_page_matrix`,
`test_editor_page_matrix`), and every 4xx of the API comes in the one error shape.
`test_every_endpoint_has_a_row` walks every URL pattern of `site_config/urls.py` and
fails when a pattern and method has no row; what needs none is listed at the end, with
the reason. The callers:

| caller | who |
|---|---|
| anonymous | no token (no session for the pages) |
| student | a verified student |
| teacher (owner) | a verified teacher who owns the row's objects (the course they belong to) |
| teacher (other) | a verified teacher who owns nothing the row's setup builds |
| admin | an admin (by group, not a superuser) |

`{{placeholders}}` in a URL are filled per row: `{{me}}` is the caller's own user id,
`{{other}}` and `{{other_*}}` belong to a teacher who is none of the callers, `{{my_*}}`
to the caller, anything else (`{{draft_course}}`, `{{challenge}}`, `{{live}}`, ...) to the
owner (teacher) or to an admin. The notes say when a row is about something else.
"""


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _table(entries, callers, titles) -> list[str]:
    """entries: (method, url, statuses by caller, note)."""
    head = ["method", "URL", *(titles[c] for c in callers), "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for method, url, expect, note in entries:
        cells = [method, f"`{_cell(url)}`", *(str(expect[c]) for c in callers), _cell(note)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render() -> str:
    from tests import test_permission_matrix as matrix
    from tests.permission_matrix.core import CALLER_TITLES, CALLERS, statuses

    out = [INTRO.format(command=COMMAND)]
    out += ["## The API (`/api/...`), the attachments and the preview token", ""]
    out += _table(((r.method, r.url, r.expect, r.note) for r in matrix.ROWS), CALLERS, CALLER_TITLES)
    out += ["", "## Probes (`/health/...`)", ""]
    out += _table(((m, u, statuses(e), "") for m, u, e in matrix.PROBES), CALLERS, CALLER_TITLES)
    out += ["", "## Pages outside the API (HTML)", ""]
    out += _table(((m, u, statuses(e), "") for m, u, e in matrix.PAGES), CALLERS, CALLER_TITLES)
    out += [
        "",
        "## Editor and Django admin pages (a session, as the editor has)",
        "",
        "302 for anonymous callers and students is the login page.",
        "",
    ]
    out += _table(
        ((m, u, statuses(e), "XMLHttpRequest" if h else "") for m, u, h, e, _ in matrix.EDITOR_PAGES),
        CALLERS,
        CALLER_TITLES,
    )
    out += ["", "## What needs no row", "", "| URL patterns | methods | why |", "|---|---|---|"]
    for exclusion in matrix.EXCLUDED:
        where = " ".join(
            part
            for part in (
                f"`/{exclusion.route}...`" if exclusion.route else "",
                f"views of `{exclusion.view}...`" if exclusion.view else "",
            )
            if part
        )
        if exclusion.when is not None:
            where += " (those the reason names)"
        methods = ", ".join(exclusion.methods) or "all"
        out.append(f"| {where} | {methods} | {_cell(exclusion.why)} |")
    out += ["| every pattern | OPTIONS, HEAD | answered by Django and DRF for every view |", ""]
    return "\n".join(out)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.test")
    import django

    django.setup()
    DOC.write_text(render())
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
