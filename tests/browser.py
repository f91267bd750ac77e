"""Shared plumbing for the browser tests (real headless Chromium driven by Playwright).

Debian's chromium is used, never a downloaded browser (`make test` installs it through
.ci/system-packages.txt). The `browser` fixture is a plugin of the root conftest, so
any test can ask for it; `login()` opens a logged-in editor session.

Screenshots for the docs: `screenshot(page, name)` writes `name.png` into
`SCREENSHOTS_DIR` when that variable is set (`make screenshots` sets it to
docs/screenshots), and into pytest's temporary directory otherwise, so an ordinary test
run proves the screenshot still renders without touching the repository.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from learning.accounts.tests.factories import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an asyncio loop in this thread; the ORM calls the test
    # makes in between browser steps are ordinary synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        # Never a skip: a test that cannot run does not pass. `make test` installs it.
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` as root, or "
            "`sudo apt-get update && sudo apt-get install -y chromium` (.ci/system-packages.txt)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def login(browser, base_url, user, *, on_context=None, **context_options):
    """A new browser context logged into the Wagtail editor as `user`; (context, page).
    `on_context(context)` runs before the first page opens (e.g. to record requests)."""
    context = browser.new_context(**context_options)
    if on_context is not None:
        on_context(context)
    context.set_default_timeout(30000)  # generous: CI machines are shared
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return context, page


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of `page` as `name`.png (see the module docstring for where)."""
    directory = Path(os.environ.get("SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="screenshots-"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path
