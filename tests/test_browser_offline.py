"""Browser test: the editor works offline, it asks no other host for anything.

A teacher's whole editing session in a real headless Chromium (log in, open a lesson,
type into its code block, open the preview panel, save a draft, submit for review, then
the lesson's history and the account settings) and a superuser's (the editor home, the
API docs) are recorded request by request, and each test fails listing every request that went to a
host other than the live server's. School networks often have no route to the outside
world, and a request that cannot leave the host is a broken avatar, a missing font or a
hung page (docs/authoring.md, "Works offline").

How the recording sees everything:
- Playwright's context-level `request` event sees the requests of every page and every
  frame in it (the preview panel's iframe, and the preview page's iframe inside that),
  and of workers; web sockets are recorded per page.
- A request a Content-Security-Policy refuses (the preview page's and the API docs'
  CSPs) is still reported by Chromium, as a request that failed with "csp": it counts as
  asked for. Only the API docs test accepts one known refused reference.
- A context-level route aborts every outside request, so none leaves the machine and the
  test does not wait on a network that is not there.
- data:, blob: and about: URLs are local.
"""

from urllib.parse import urlsplit

import pytest
import requests
from django.templatetags.static import static

from learning.accounts.tests.images import image_bytes
from learning.accounts.tokens import tokens_for_user
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.serial]

TYPED_CODE = "typed offline 42"
LOCAL_SCHEMES = {"data", "blob", "about"}
# Hard-coded in ReDoc's bundle (its "API docs by Redocly" footer); the docs' CSP refuses it.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# What takes the keyboard in a code editor widget: Ace, CodeMirror 6, CodeMirror 5.
CODE_EDITOR_SURFACES = ".ace_editor, .cm-content, .CodeMirror"
MORE_ACTIONS = "footer button[aria-label='More actions'], footer .w-dropdown__toggle"
# Every avatar Wagtail draws: its avatar template (header, listings) and the sidebar's.
AVATAR_IMAGES = ".avatar img, .sidebar-footer img, [class*='avatar'] img"


class RequestLog:
    """Every URL a browser context asked for (`urls`; `outside()`: those on another
    host), and those a Content-Security-Policy refused in the browser (`refused`)."""

    def __init__(self, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.urls: list[str] = []
        self.refused: list[str] = []

    def attach(self, context) -> None:
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("requestfailed", self._failed)
        context.on("page", lambda page: page.on("websocket", lambda ws: self.urls.append(ws.url)))
        context.route("**/*", self._route)

    def _failed(self, request) -> None:
        if request.failure == "csp":
            self.refused.append(request.url)

    def _route(self, route) -> None:
        if self.is_outside(route.request.url):
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def is_outside(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in LOCAL_SCHEMES and parts.netloc != self.host

    def outside(self, *, except_refused: bool = False) -> list[str]:
        skip = set(self.refused) if except_refused else set()
        return sorted({url for url in self.urls if self.is_outside(url) and url not in skip})

    def assert_nothing_outside(self, *, except_refused: bool = False) -> None:
        outside = self.outside(except_refused=except_refused)
        assert not outside, f"requests to another host than {self.host}:\n" + "\n".join(outside)


def type_into_code_block(page, field, text: str) -> None:
    """Type `text` on a new line at the end of a code field, as an author does: click into
    it, go to its end, type. `field` is the block's field container; inside it the code
    editor widget's surface takes the click (Ace, CodeMirror), else the plain textarea."""
    page.wait_for_load_state("networkidle")  # widgets are set up by then
    editor = field.locator(CODE_EDITOR_SURFACES)
    (editor.first if editor.count() else field.locator("textarea").first).click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def avatars_on(page) -> list[dict]:
    """The avatar images on the page once loaded: their URL and naturalWidth (0 when the
    image is broken). The caller asserts on them after the request log, so that on a
    machine without a route out the failure names the outside request first."""
    page.wait_for_load_state("load")
    avatars = page.eval_on_selector_all(
        AVATAR_IMAGES,
        """imgs => Promise.all(imgs.map(img => (img.loading = 'eager', img.decode().catch(() => null))
            .then(() => ({src: img.currentSrc || img.src, width: img.naturalWidth}))))""",
    )
    assert avatars, f"no avatar on {page.url}"
    return avatars


def assert_avatars_loaded(avatars: list[dict], expected_path: str | None = None) -> None:
    broken = [a["src"] for a in avatars if a["width"] == 0]
    assert not broken, f"broken avatar images: {broken}"
    if expected_path is not None:
        assert {urlsplit(a["src"]).path for a in avatars} == {expected_path}, avatars


def code_of_first_code_block(page_revision_object) -> str:
    return next(block.value["code"] for block in page_revision_object.body if block.block_type == "code")


def test_an_editing_session_asks_no_other_host(live_server, browser, build_course, teacher, settings):
    from cms.models import LessonPage

    # Uploaded files are the deployment's file server's to serve: the test's stands in.
    settings.ROOT_URLCONF = "tests.urls_with_media"
    course = build_course(title="Offline course")
    lesson = LessonPage.objects.descendant_of(course).first()
    code_before = code_of_first_code_block(lesson.get_latest_revision_as_object())
    base = live_server.url
    # The teacher's avatar, uploaded through the API as a learner's or teacher's app does.
    response = requests.put(
        f"{base}/api/v1/auth/me/avatar/",
        headers={"Authorization": f"Bearer {tokens_for_user(teacher)['access']}"},
        files={"avatar": ("me.png", image_bytes((64, 64)), "image/png")},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    teacher.refresh_from_db()
    log = RequestLog(base)

    context, page = login(browser, base, teacher, on_context=log.attach)
    avatars = avatars_on(page)

    # Open the lesson and type into its code block.
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    avatars += avatars_on(page)
    type_into_code_block(page, page.locator("[data-contentpath='code']").first, TYPED_CODE)

    # The preview panel: the built-in preview page inside Wagtail's preview iframe.
    page.click("button[data-side-panel-toggle='preview']")
    preview = page.frame_locator("#w-preview-iframe").frame_locator("iframe").first.locator("main")
    preview.get_by_text(TYPED_CODE).wait_for()
    src = page.frame_locator("#w-preview-iframe").locator("iframe").first.get_attribute("src")
    assert src.startswith("/preview/?"), src

    # Save a draft.
    with page.expect_navigation():
        page.locator("footer button.action-save").first.click()
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision()
    assert draft.user == teacher
    code_saved = code_of_first_code_block(draft.as_object())
    assert code_saved.startswith(code_before) and code_saved.rstrip().endswith(TYPED_CODE), code_saved

    # Submit it for review.
    page.locator(MORE_ACTIONS).first.click()
    with page.expect_navigation():
        page.click("button[name='action-submit']")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    workflow_state = lesson.current_workflow_state
    assert workflow_state.status == "in_progress"
    submitted = workflow_state.current_task_state.revision
    assert TYPED_CODE in code_of_first_code_block(submitted.as_object())
    avatars += avatars_on(page)

    # Where else avatars show: the page's history (each revision's author: the admin
    # who published the course has none uploaded) and the account settings.
    others = []
    for path in (f"/admin/pages/{lesson.pk}/history/", "/admin/account/"):
        response = page.goto(f"{base}{path}")
        assert response.ok, (path, response.status)
        others += avatars_on(page)
    context.close()

    assert any("/preview/?" in url for url in log.urls)  # the recording saw the iframes
    log.assert_nothing_outside()
    # The editor shows the avatar the teacher uploaded, and it loads; so do the others.
    assert_avatars_loaded(avatars, expected_path=teacher.avatar.url)
    assert_avatars_loaded(others)
    assert teacher.avatar.url in {urlsplit(a["src"]).path for a in others}


def test_an_admins_session_asks_no_other_host(live_server, browser, admin_user):
    """A superuser's editor home (where Wagtail would check for a new version of itself)
    and the API docs (Swagger UI and ReDoc, from drf-spectacular-sidecar's files). The
    admin has no uploaded avatar: Wagtail's default one shows, not a broken Gravatar.

    The docs pages have a Content-Security-Policy: it is what stops ReDoc's one outside
    reference, the Redocly logo its bundle hard-codes. That refused reference is the only
    one accepted; the browser sends nothing to another host."""
    # A superuser, like the demo's admin: Wagtail checks for updates for superusers only.
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    base = live_server.url
    log = RequestLog(base)
    context, page = login(browser, base, admin_user, on_context=log.attach)
    page.wait_for_load_state("networkidle")  # the update check ran once the page settled
    assert page.locator("main").count() == 1
    avatars = avatars_on(page)
    page.goto(f"{base}/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/api/redoc/")
    page.locator(".api-content").wait_for()
    page.wait_for_load_state("networkidle")
    context.close()

    assert any("/api/schema/" in url for url in log.urls)
    log.assert_nothing_outside(except_refused=True)
    assert set(log.refused) == {REDOC_LOGO}, log.refused
    assert_avatars_loaded(avatars, expected_path=static("wagtailadmin/images/default-user-avatar.png"))
