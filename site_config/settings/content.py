"""Content (cms): headless preview, attachments and images, authoring API limits."""

from .env import env

# Where the editor's "Preview" goes: it stores the draft and opens
# `<FRONTEND_PREVIEW_URL>?content_type=cms.lessonpage&token=<signed token>` in the preview
# panel's iframe (and "Preview in new tab"); whatever serves that URL reads the draft from
# /api/v1/preview/ with the same two parameters. The default is the platform's own preview
# page (cms/views.py), a path: the browser resolves it against the editor's own origin,
# so it works on any host and port (runserver, a test's live server, behind a proxy). A
# real front end sets an absolute URL, e.g. http://localhost:3000/preview. The value is
# wagtail-headless-preview's CLIENT_URLS["default"], which may also hold
# "{SITE_ROOT_URL}" (the Wagtail Site's root URL). See docs/preview.md.
FRONTEND_PREVIEW_URL = env("FRONTEND_PREVIEW_URL", default="/preview/")
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": FRONTEND_PREVIEW_URL},
    # Visiting a page URL on the backend redirects to the same path on the front end.
    "SERVE_BASE_URL": env("FRONTEND_BASE_URL", default="http://localhost:3000"),
    "REDIRECT_ON_PREVIEW": False,
    "ENFORCE_TRAILING_SLASH": False,
}
# How long a preview token stays valid, seconds.
PREVIEW_TOKEN_MAX_AGE = env.int("PREVIEW_TOKEN_MAX_AGE", default=3600)

# Lesson attachments (Wagtail documents): extensions are WAGTAILDOCS_EXTENSIONS (base.py).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.AttachmentForm"
# Download URLs in API responses carry a token signed for the caller (cms/documents.py);
# it stops working after this many seconds (the front end fetches the lesson again).
DOCUMENT_URL_MAX_AGE = env.int("DOCUMENT_URL_MAX_AGE", default=3600)
# Images: Wagtail's own upload limit and allowed formats; the editor's form gives new
# uploads a random file name (cms/forms.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.LessonImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
WAGTAILIMAGES_EXTENSIONS = env.list("IMAGE_EXTENSIONS", default=["gif", "jpg", "jpeg", "png", "webp"])
# Pixels (width x height) an uploaded image may have, checked from its header before any
# decoding (Wagtail's own default, 128 M pixels, decodes to gigabytes for its renditions).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("IMAGE_MAX_PIXELS", default=4096 * 4096)

# Authoring API: one StreamField (lesson body, starter code) may hold at most this many
# blocks and this many bytes of JSON; larger request bodies are already refused by
# API_MAX_BODY_BYTES (413).
CONTENT_STREAM_MAX_BLOCKS = env.int("CONTENT_STREAM_MAX_BLOCKS", default=300)
CONTENT_STREAM_MAX_BYTES = env.int("CONTENT_STREAM_MAX_BYTES", default=512 * 1024)
# Wagtail's workflow: publishing happens when the last review task approves.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Draftail, saving an empty editor as "" (cms/rich_text.py): an untouched empty field is
# then no edit, so approving a page does not restart its review.
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "cms.rich_text.RichTextArea"}}
# The editor asks no other host for anything (school networks often have no route out;
# docs/authoring.md, "Works offline"): no Gravatar (avatars are the one uploaded to the
# platform, else Wagtail's default: learning/accounts/wagtail_hooks.py), and no "new
# Wagtail version" check against releases.wagtail.org on an admin's home page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Content cache (cms/content_cache, docs/content-cache.md): learner reads of published
# content rendered once per publish, and a learner's my courses / resume / course
# progress once per change (learning/progress/read_cache.py). Entries of old versions
# expire after this many seconds (0 turns the cache off: every read renders).
CONTENT_CACHE_SECONDS = env.int("CONTENT_CACHE_SECONDS", default=86400)
# Cache-Control of the catalog (the same for every signed-in caller): how long a
# browser or CDN may use it without asking, and serve it stale while it revalidates.
CATALOG_MAX_AGE = env.int("CATALOG_MAX_AGE", default=30)
CATALOG_STALE_WHILE_REVALIDATE = env.int("CATALOG_STALE_WHILE_REVALIDATE", default=60)
