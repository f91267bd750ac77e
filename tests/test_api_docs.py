"""The interactive API docs work offline: Swagger UI (/api/docs/) and ReDoc (/api/redoc/)
come from this server's static files (drf-spectacular-sidecar), never from a CDN, and a
Content-Security-Policy keeps the browser from loading anything from another origin."""

import json
import secrets
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders

DOCS_PAGES = ["/api/docs/", "/api/redoc/"]
OUTSIDE_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com", "fonts.gstatic.com", "cdn.redoc.ly")


def _references(html: str) -> list[str]:
    """Every URL the page makes the browser load (scripts, styles, icons, images)."""
    soup = BeautifulSoup(html, "html.parser")
    refs = [tag["src"] for tag in soup.find_all(["script", "img", "iframe"], src=True)]
    refs += [tag["href"] for tag in soup.find_all("link", href=True)]
    return refs


def _is_same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_docs_page_loads_nothing_from_another_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    refs = _references(html)
    assert any(ref.endswith(".js") for ref in refs), refs  # the UI's bundle, from here
    outside = [ref for ref in refs if not _is_same_origin(ref)]
    assert outside == [], outside
    for host in OUTSIDE_HOSTS:
        assert host not in html
    # The page's own scripts (Swagger's init script is a second request to the page).
    for ref in refs:
        if not ref.startswith(settings.STATIC_URL) and ref.split("?")[0] == path:
            script = client.get(ref)
            assert script.status_code == 200
            body = script.content.decode()
            assert "http://" not in body and "https://" not in body, body


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_docs_page_assets_are_installed_static_files(client, path):
    refs = _references(client.get(path).content.decode())
    refs = [ref for ref in refs if ref.startswith(settings.STATIC_URL)]
    assert refs, "the UI comes from our static files"
    for ref in refs:
        found = finders.find(ref.removeprefix(settings.STATIC_URL))
        assert found, f"{ref} is not a static file of an installed app"


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_docs_page_csp_allows_only_this_origin(client, path):
    csp = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no other host
    for sources in directives.values():
        for source in sources.split():
            assert source in {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}, csp


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "rendered", "operation"),
    [
        # Swagger UI renders only the operations near the viewport (with ~20 tags, ping's
        # is far below the first screen): the first operation shown must be the schema's
        ("/api/docs/", ".swagger-ui .info .title:has-text('Mr ICT API')", ".opblock-summary-path"),
        ("/api/redoc/", "h1:has-text('Mr ICT API')", "text=/api/v1/ping/"),
    ],
)
def test_docs_page_renders_offline_in_a_browser(live_server, browser, path, rendered, operation):
    """Chromium with every request to another host cut: the UI still renders the schema,
    and the only outside loads the page attempts are ones its CSP refuses."""
    origin = live_server.url
    assert requests.get(origin + path, timeout=10).status_code == 200
    context = browser.new_context()
    context.set_default_timeout(30000)
    sent, refused = [], []

    def offline(route):
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            sent.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and refused.append(msg.text))
    page.goto(origin + path)
    page.wait_for_selector(rendered)
    shown = page.wait_for_selector(operation).inner_text()  # an operation from the schema
    paths = requests.get(origin + "/api/schema/?format=json", timeout=30).json()["paths"]
    assert shown.replace("\u200b", "").strip() in paths, shown
    context.close()
    assert sent == [], f"requests to other hosts: {sent}"
    # Redoc's sidebar has a Redocly logo <img> from its CDN: the CSP refuses it (and Redoc
    # hides the image). Nothing else may even be attempted.
    unexpected = [text for text in refused if "cdn.redoc.ly/redoc/logo-mini.svg" not in text]
    assert unexpected == [], unexpected


def test_prod_collectstatic_takes_the_docs_assets(tmp_path):
    """Under prod settings (hashed names, ManifestStaticFilesStorage, which also rewrites
    the bundles' source-map comments) collectstatic gathers every file the docs load."""
    from tests.test_deploy import _manage

    result = _manage(
        "collectstatic",
        "--no-input",
        env_extra={
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "api.example.com",
            "STATIC_ROOT": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'build.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in [
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    ]:
        assert (tmp_path / manifest[name]).is_file(), name
