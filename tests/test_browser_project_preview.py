"""Browser test: a learner's page in the live preview cannot act as the viewer.

Real Chromium (tests/browser.py) against the live server. The viewer's browser holds
what the platform keeps: a session cookie and a readable cookie on the platform's origin,
and the API's access JWT in that origin's localStorage (where a front end keeps it). The
learner's page (a hostile one) tries to read them and to call the API as the viewer:
`fetch('/api/v1/auth/me/', {credentials: 'include'})`, the same with the platform's
absolute URL, an image beacon, a form post, and, when framed by a platform page,
`parent.localStorage` and `parent.document.cookie`. It writes what it got into the page,
which the test reads.

It runs twice: with the preview on the platform's own host (the worst case: only the
CSP sandbox stands between the page and the platform's origin) and on a separate
preview origin (PROJECT_PREVIEW_ORIGIN: 127.0.0.1 where the platform is localhost).
The server's access log proves the API was never reached from the page.
"""

import json
import logging
import time

import pytest

from learning.accounts.tokens import tokens_for_user
from learning.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = """<!doctype html>
<html><body><pre id="report">running</pre>
<form id="f" method="post" action="%(api)s/api/v1/projects/"><input name="title" value="x"></form>
<script>
(async () => {
  const r = {origin: self.origin, violations: []};
  document.addEventListener('securitypolicyviolation', e => r.violations.push(e.blockedURI));
  try { r.cookie = document.cookie; } catch (e) { r.cookie_error = e.name; }
  try { r.local = localStorage.getItem('access'); } catch (e) { r.local_error = e.name; }
  try { r.session = sessionStorage.length; } catch (e) { r.session_error = e.name; }
  if (parent !== self) {
    try { r.parent_local = parent.localStorage.getItem('access'); }
    catch (e) { r.parent_local_error = e.name; }
    try { r.parent_cookie = parent.document.cookie; } catch (e) { r.parent_cookie_error = e.name; }
  }
  for (const [key, target] of [['relative', '/api/v1/auth/me/'], ['absolute', '%(api)s/api/v1/auth/me/']]) {
    try {
      const res = await fetch(target, {credentials: 'include'});
      r[key] = res.status + ' ' + (await res.text()).slice(0, 200);
    } catch (e) { r[key + '_error'] = e.name; }
  }
  try {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/api/v1/auth/me/', false);
    xhr.withCredentials = true;
    xhr.send();
    r.xhr = xhr.status;
  } catch (e) { r.xhr_error = e.name; }
  const img = new Image();
  img.src = '%(api)s/api/v1/auth/me/?beacon=1';
  try { document.getElementById('f').submit(); } catch (e) { r.form_error = e.name; }
  await new Promise(done => setTimeout(done, 300));
  document.getElementById('report').textContent = JSON.stringify(r);
})();
</script></body></html>
"""


def _report(frame) -> dict:
    # Polled from the test (a wait_for_function would evaluate a string in the page,
    # which its CSP refuses: no 'unsafe-eval').
    deadline = time.monotonic() + 30
    while (text := frame.locator("#report").text_content()) == "running":
        assert time.monotonic() < deadline, "the page never reported"
        time.sleep(0.1)
    return json.loads(text)


def _assert_contained(report: dict, *, framed: bool):
    assert report["origin"] == "null", report  # an opaque origin: sandbox without allow-same-origin
    assert report.get("cookie_error") == "SecurityError", report
    assert report.get("local_error") == "SecurityError", report
    assert report.get("session_error") == "SecurityError", report
    assert "local" not in report and "cookie" not in report, report
    assert report.get("relative_error") == "TypeError" and "relative" not in report, report
    assert report.get("absolute_error") == "TypeError" and "absolute" not in report, report
    assert "xhr" not in report, report  # refused by connect-src 'none'
    assert any("/api/v1/auth/me/" in uri for uri in report["violations"]), report
    if framed:
        assert report.get("parent_local_error") == "SecurityError", report
        assert report.get("parent_cookie_error") == "SecurityError", report
        assert "parent_local" not in report and "parent_cookie" not in report, report


@pytest.mark.parametrize("separate_origin", [False, True], ids=["same host", "preview origin"])
def test_the_preview_cannot_read_the_viewers_secrets_or_call_the_api(
    live_server, browser, student, auth_client, settings, caplog, separate_origin
):
    platform = live_server.url  # http://localhost:<port>
    if separate_origin:
        settings.PROJECT_PREVIEW_ORIGIN = platform.replace("localhost", "127.0.0.1")
        # the front end (here: a page of the platform's origin) may frame previews
        settings.PROJECT_PREVIEW_FRAME_ANCESTORS = [platform]
    access = tokens_for_user(student)["access"]
    client = auth_client(student)
    project = client.post("/api/v1/projects/", {"title": "Hostile"}, format="json").json()
    written = client.post(
        f"/api/v1/projects/{project['id']}/files/write/",
        {"path": "index.html", "content": HOSTILE % {"api": platform}, "version": project["version"]},
        format="json",
    )
    assert written.status_code == 200, written.content
    preview_url = client.post(f"/api/v1/projects/{project['id']}/preview-link/").json()["url"]
    if separate_origin:
        assert preview_url.startswith(settings.PROJECT_PREVIEW_ORIGIN + "/")
    else:
        preview_url = platform + preview_url.removeprefix("http://testserver")

    context = browser.new_context()
    context.set_default_timeout(30000)
    context.add_cookies(
        [
            {"name": "sessionid", "value": "platform-session", "url": platform, "httpOnly": True},
            {"name": "front_end_token", "value": access, "url": platform},
        ]
    )
    page = context.new_page()
    page.goto(f"{platform}/api/v1/ping/")
    page.evaluate("token => localStorage.setItem('access', token)", access)
    projects_before = Project.objects.count()

    with caplog.at_level(logging.INFO, logger="mrict.request"):
        # 1. the preview opened as a page of its own
        page.goto(f"{preview_url}index.html")
        _assert_contained(_report(page.main_frame), framed=False)
        # 2. the preview framed by a platform page (as a front end shows it)
        page.goto(f"{platform}/api/v1/ping/")
        page.evaluate(
            "src => { const f = document.createElement('iframe'); f.src = src; "
            "document.body.appendChild(f); }",
            f"{preview_url}index.html",
        )
        frame = page.locator("iframe").element_handle().content_frame()
        frame.wait_for_load_state()
        _assert_contained(_report(frame), framed=True)

    seen = [record.path for record in caplog.records if hasattr(record, "path")]
    assert any(path.startswith("/api/v1/project-preview/") for path in seen), seen
    assert not [path for path in seen if path.startswith("/api/v1/auth/me")], seen
    assert not [path for path in seen if path == "/api/v1/projects/"], seen  # the form never posted
    assert Project.objects.count() == projects_before
    # the platform's own page still has its token: the preview changed nothing there
    assert page.evaluate("localStorage.getItem('access')") == access
    context.close()
