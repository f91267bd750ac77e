"""The built-in preview page (/preview/): what the editor's Preview shows out of the box.

The draft goes through the editor's real preview flow (the edit form posted to Wagtail's
preview view, then the page that view returns, whose iframe points here) and the page
must show it: the draft's text, the code block highlighted, the starter files and the
challenges' visible tests, never a hidden test or a reference solution."""

import base64
import hashlib
import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms import media, services
from cms.models import LessonPage

pytestmark = pytest.mark.django_db

HIDDEN_MARKER = "HIDDEN_TEST_SECRET_5521"
SOLUTION_MARKER = "REFERENCE_SOLUTION_SECRET_6613"


@pytest.fixture
def lesson(build_course):
    course = build_course(title="Preview course")
    return LessonPage.objects.descendant_of(course).first()


@pytest.fixture
def challenge(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "Double it",
            "prompt": "Write `double(n)`.",
            "starter_source": "function double(n) {\n  // your code\n}\n",
            "reference_solution": f"// {SOLUTION_MARKER}\nfunction double(n) {{ return n * 2 }}",
            "tests": [
                {"description": "doubles two", "code": "assert.strictEqual(double(2), 4);"},
                {
                    "description": "doubles big numbers",
                    "code": f"// {HIDDEN_MARKER}\nassert.strictEqual(double(1e6), 2e6);",
                    "hidden": True,
                },
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def editor_preview(client, lesson, *, title, text, code):
    """Post the edit form to Wagtail's preview view, as the editor's Preview button does,
    then load the page the preview panel shows; returns the URL of its iframe."""
    form = nested_form_data(
        {
            "title": title,
            "slug": lesson.slug,
            "body": streamfield(
                [
                    ("rich_text", rich_text(f"<p>{text}</p>")),
                    ("code", {"language": "javascript", "code": code, "caption": "Try this"}),
                    (
                        "callout",
                        {"kind": "warning", "title": "Careful", "text": rich_text("<p>Mind it.</p>")},
                    ),
                ]
            ),
            "starter_code": streamfield(
                [("file", {"name": "script.js", "language": "javascript", "content": "let starter = 1;"})]
            ),
            "required": "on",
            "estimated_minutes": "12",
        }
    )
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    response = client.post(url, form)
    assert response.status_code == 200 and response.json()["is_valid"], response.content
    response = client.get(url)
    assert response.status_code == 200
    frame = re.search(r'<iframe src="([^"]+)"', response.content.decode())
    assert frame, response.content[:1000]
    return unescape(frame.group(1))


def test_editor_preview_shows_the_draft_on_the_built_in_page(client, teacher, lesson, challenge):
    client.force_login(teacher)
    src = editor_preview(
        client,
        lesson,
        title="Loops <b>draft</b>",
        text="Drafted words the learner will read",
        code="const total = items.length;",
    )
    # Out of the box the preview opens on this site (a path, resolved by the browser
    # against the editor's origin), not on a front end that is not running.
    assert src.startswith("/preview/?") and "content_type=cms.lessonpage" in src

    response = client.get(src)
    assert response.status_code == 200, response.content[:2000]
    html = response.content.decode()
    # the draft, not the published lesson
    assert "Drafted words the learner will read" in html
    assert LessonPage.objects.get(pk=lesson.pk).title not in html
    # author text is escaped: the title's markup shows as text
    assert "<h1>Loops &lt;b&gt;draft&lt;/b&gt;</h1>" in html
    # the code block, highlighted by Pygments (keyword and name spans), with its caption
    assert '<div class="highlight">' in html
    assert '<span class="kd">const</span>' in html and '<span class="nx">total</span>' in html
    assert "Try this" in html and "Careful" in html and 'class="callout callout-warning"' in html
    # starter files
    assert "script.js" in html and '<span class="nx">starter</span>' in html
    # the challenge with its visible test only
    assert "Double it" in html and "doubles two" in html
    assert "1 hidden test" in html
    assert "doubles big numbers" not in html and HIDDEN_MARKER not in html and SOLUTION_MARKER not in html

    # locked down: no scripts, no outside resources, framed only by the editor's origin
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'self'" in csp
    assert "<script" not in html
    # the page's one stylesheet is allowed by its hash (no 'unsafe-inline')
    [style] = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_preview_page_renders_the_preview_api_data(client, teacher, lesson, challenge, auth_client):
    """The page and /api/v1/preview/ show one draft from one token (same check, same shaping)."""
    client.force_login(teacher)
    src = editor_preview(client, lesson, title="Same draft", text="Shared words", code="let x = 1;")
    api = auth_client(None).get("/api/v1/" + src.removeprefix("/"))
    assert api.status_code == 200, api.content
    fields = api.json()["fields"]
    assert api.json()["title"] == "Same draft"
    assert [block["type"] for block in fields["body"]] == ["rich_text", "code", "callout"]
    assert fields["starter_files"] == [
        {"name": "script.js", "language": "javascript", "content": "let starter = 1;"}
    ]
    [shown] = fields["challenges"]
    assert shown["id"] == challenge["id"] and [t["description"] for t in shown["tests"]] == ["doubles two"]
    assert shown["hidden_test_count"] == 1
    assert HIDDEN_MARKER not in api.content.decode() and SOLUTION_MARKER not in api.content.decode()
    client.logout()  # the token is the credential, as for the API
    html = client.get(src).content.decode()
    assert "Shared words" in html and "Same draft" in html


def test_bad_or_expired_token_is_a_clear_4xx_page(client, teacher, lesson, settings):
    services.lesson_update(user=teacher, lesson=lesson, title="Secret draft")
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    token = draft.create_page_preview().token
    good = f"/preview/?content_type=cms.lessonpage&token={token}"
    assert "Secret draft" in client.get(good).content.decode()
    for url in (
        f"/preview/?content_type=cms.lessonpage&token={token}x",
        f"/preview/?content_type=cms.coursepage&token={token}",
        f"/preview/?content_type=auth.user&token={token}",
        "/preview/?content_type=cms.lessonpage&token=id%3D1%3Aforged%3Asig",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "invalid or has expired" in html and "Secret draft" not in html
        assert "default-src 'none'" in response["Content-Security-Policy"]
    for url in ("/preview/", "/preview/?content_type=cms.lessonpage", f"/preview/?token={token}"):
        response = client.get(url)
        assert response.status_code == 400 and "needs the content_type and token" in response.content.decode()
    assert client.post(good).status_code == 405
    settings.PREVIEW_TOKEN_MAX_AGE = -1  # expired, exactly as the API sees it
    response = client.get(good)
    assert response.status_code == 404 and "Secret draft" not in response.content.decode()


def test_course_and_module_previews(client, build_course, teacher):
    course = build_course(title="Course under review", publish=False)
    services.course_update(user=teacher, course=course, summary="A <i>summary</i> in the draft", tags=["css"])
    course_draft = type(course).objects.get(pk=course.pk).get_latest_revision_as_object()
    html = client.get(
        f"/preview/?content_type=cms.coursepage&token={course_draft.create_page_preview().token}"
    ).content.decode()
    assert "Course under review" in html and "A &lt;i&gt;summary&lt;/i&gt; in the draft" in html
    assert "css" in html
    module = course.get_children().first().specific
    module_draft = type(module).objects.get(pk=module.pk).get_latest_revision_as_object()
    response = client.get(
        f"/preview/?content_type=cms.modulepage&token={module_draft.create_page_preview().token}"
    )
    assert response.status_code == 200 and module.title in response.content.decode()


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("diagram.png", buffer.getvalue(), content_type="image/png")


def test_media_blocks_and_hostile_author_text(client, teacher, lesson, settings):
    """Images, videos and attachments render; every author string is escaped (rich text
    is sanitised on the way in); an image stored on another host is allowed by the CSP."""
    image = media.image_upload(user=teacher, file=_png(), title="Red box")
    document = media.document_upload(
        user=teacher, file=SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain")
    )
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    services.lesson_update(
        user=teacher,
        lesson=lesson,
        title=f"Media {evil}",
        body=[
            {"type": "heading", "value": {"text": f"Head {evil}", "level": "h3"}},
            {
                "type": "rich_text",
                "value": f"<p>Rich <b>text</b> {evil}<a href='javascript:alert(3)'>x</a></p>",
            },
            {"type": "code", "value": {"language": "html", "code": evil, "caption": f"Cap {evil}"}},
            {"type": "callout", "value": {"kind": "note", "title": f"Note {evil}", "text": "<p>Hi</p>"}},
            {"type": "image", "value": {"image": image.pk, "alt": f"Alt {evil}", "caption": "A red box"}},
            {
                "type": "video",
                "value": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Intro"},
            },
            {"type": "attachment", "value": {"document": document.pk, "title": "Lesson notes"}},
        ],
    )
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    url = f"/preview/?content_type=cms.lessonpage&token={draft.create_page_preview().token}"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "javascript:" not in html
    assert "<h3>Head &lt;script&gt;" in html and "Rich <b>text</b>" in html
    assert (
        "Cap &lt;script&gt;" in html and "Note &lt;script&gt;" in html and 'alt="Alt &lt;script&gt;' in html
    )
    rendition = image.get_rendition("max-800x600")
    assert f'src="{rendition.url}"' in html and "A red box" in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html and "youtube-nocookie" not in html
    assert f"/documents/{document.pk}/notes.txt?token=" in html and "Lesson notes" in html
    assert response["Content-Security-Policy"].count("img-src 'self';") == 1

    # renditions served from a bucket or CDN domain: that origin, and only it, may load
    settings.MEDIA_URL = "https://media.example.test/m/"
    csp = client.get(url)["Content-Security-Policy"]
    assert "img-src 'self' https://media.example.test;" in csp
