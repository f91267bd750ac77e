"""StreamField blocks of a lesson.

Each block answers `get_api_representation` with plain JSON a front end can render
without knowing Wagtail: images come with rendition URLs, documents with their download
URL, videos with an embeddable URL. Nothing here reaches the network (the stock
`EmbedBlock` calls the provider's oEmbed endpoint on save, which an offline install and
the tests cannot do), so videos are a URL from an allow-listed host.
See https://docs.wagtail.org/en/stable/topics/streamfield.html
"""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html

from .code_editor import CodeTextBlock

CODE_LANGUAGES = [
    ("html", "HTML"),
    ("css", "CSS"),
    ("javascript", "JavaScript"),
    ("json", "JSON"),
    ("markdown", "Markdown"),
    ("text", "Plain text"),
    ("bash", "Shell"),
    ("python", "Python"),
]
CODE_LANGUAGE_VALUES = [value for value, _ in CODE_LANGUAGES]

# Image renditions a front end gets for every image block (Wagtail filter specs).
IMAGE_RENDITIONS = {
    "thumbnail": "fill-320x180",
    "medium": "max-800x600",
    "large": "max-1600x1200",
}


def image_api_representation(image) -> dict | None:
    """One image as JSON with rendition URLs (renditions are created on first use and
    cached by Wagtail, see https://docs.wagtail.org/en/stable/topics/images.html)."""
    if image is None:
        return None
    renditions = image.get_renditions(*IMAGE_RENDITIONS.values())
    return {
        "id": image.pk,
        "title": image.title,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: {
                "url": renditions[spec].url,
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in IMAGE_RENDITIONS.items()
        },
    }


def document_api_representation(document, *, user=None, grant: bool = False) -> dict | None:
    """One document as JSON; `url` is signed for `user` (or, with `grant`, for whoever
    holds it: the preview), see cms.documents."""
    if document is None:
        return None
    from .documents import document_url

    return {
        "id": document.pk,
        "title": document.title,
        "filename": document.filename,
        "extension": document.file_extension,
        "url": document_url(document, user=user, grant=grant),
    }


def _caller_from_context(context) -> tuple[object, bool]:
    """(user, grant) from a representation context: ours pass `user` / `document_grant`,
    Wagtail's API v2 passes its DRF `request`."""
    context = context or {}
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return user, bool(context.get("document_grant"))


class RichTextBlock(blocks.RichTextBlock):
    """Rich text whose API form is HTML with internal links and embeds expanded
    (the stored form holds `<a linktype="page" id="3">` references)."""

    def get_api_representation(self, value, context=None):
        return expand_db_html(value.source) if value else ""


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3"), ("h4", "Heading 4")], default="h2"
    )

    class Meta:
        icon = "title"


class CodeBlock(blocks.StructBlock):
    """A code sample shown to the learner (not runnable: runnable code is `starter_code`)."""

    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="html")
    code = CodeTextBlock(language="html", language_field="language")
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "code"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", "Info"), ("tip", "Tip"), ("warning", "Warning"), ("note", "Note")],
        default="info",
    )
    title = blocks.CharBlock(required=False, max_length=200)
    text = RichTextBlock(features=["bold", "italic", "link", "code", "ol", "ul"])

    class Meta:
        icon = "help"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(required=False, max_length=255, help_text="Describe the image for screen readers.")
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"

    def get_api_representation(self, value, context=None):
        return {
            "image": image_api_representation(value.get("image")),
            "alt": value.get("alt") or (value["image"].title if value.get("image") else ""),
            "caption": value.get("caption", ""),
        }


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^\d{3,15}$")


def video_embed_url(url: str) -> str | None:
    """The iframe-able URL for a video page URL, or None when the host is not allowed.
    YouTube goes to youtube-nocookie.com (no tracking cookies before play)."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if parsed.scheme != "https":
        return None
    if host == "youtube.com":
        video_id = parse_qs(parsed.query).get("v", [""])[0]
        if parsed.path.startswith("/embed/"):
            video_id = parsed.path.split("/")[2]
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if _YOUTUBE_ID.match(video_id) else None
    if host == "youtu.be":
        video_id = parsed.path.strip("/")
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if _YOUTUBE_ID.match(video_id) else None
    if host in {"vimeo.com", "player.vimeo.com"}:
        video_id = parsed.path.rstrip("/").split("/")[-1]
        return f"https://player.vimeo.com/video/{video_id}" if _VIMEO_ID.match(video_id) else None
    return None


class VideoBlock(blocks.StructBlock):
    """An embedded video from YouTube or Vimeo (https)."""

    url = blocks.URLBlock(help_text="YouTube or Vimeo link, e.g. https://www.youtube.com/watch?v=…")
    title = blocks.CharBlock(required=False, max_length=200)
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "media"

    def clean(self, value):
        value = super().clean(value)
        if not video_embed_url(value.get("url") or ""):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError("Use an https YouTube or Vimeo video link.")}
            )
        return value

    def get_api_representation(self, value, context=None):
        return {
            "url": value.get("url"),
            "embed_url": video_embed_url(value.get("url") or ""),
            "title": value.get("title", ""),
            "caption": value.get("caption", ""),
        }


class AttachmentBlock(blocks.StructBlock):
    """A downloadable Wagtail document (extensions and size limited by settings)."""

    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, max_length=255, help_text="Defaults to the document's title.")

    class Meta:
        icon = "doc-full"

    def get_api_representation(self, value, context=None):
        document = value.get("document")
        user, grant = _caller_from_context(context)
        representation = document_api_representation(document, user=user, grant=grant)
        url_for = (context or {}).get("document_url")
        if representation is not None and url_for is not None:
            # The content cache renders one body for every caller with a marker in
            # place of the caller's token, and fills it in per request.
            representation["url"] = url_for(document)
        return {
            "document": representation,
            "title": value.get("title") or (document.title if document else ""),
        }


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "code", "ol", "ul", "blockquote", "hr"]
    )
    heading = HeadingBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    attachment = AttachmentBlock()


LESSON_BODY_BLOCK_TYPES = list(LessonBodyBlock.base_blocks.keys())

# A file name the sandbox can mount: no directories, no leading dot.
starter_file_name_validator = RegexValidator(
    r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$",
    "Use a plain file name such as index.html, style.css or script.js (no folders).",
)


class StarterFileBlock(blocks.StructBlock):
    """One file of the code a learner starts a coding lesson with."""

    name = blocks.CharBlock(max_length=100, validators=[starter_file_name_validator])
    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="html")
    content = CodeTextBlock(required=False, language="html", language_field="language")

    class Meta:
        icon = "code"


class StarterCodeBlock(blocks.StreamBlock):
    file = StarterFileBlock()

    def clean(self, value):
        value = super().clean(value)
        names = [child.value["name"] for child in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise blocks.StreamBlockValidationError(
                non_block_errors=[
                    ValidationError(f"Duplicate starter file name(s): {', '.join(duplicates)}.")
                ]
            )
        return value


class GlossaryTermBlock(blocks.StructBlock):
    """One term of a course's glossary: the tutor answers "what is a selector?" from it
    (tutor/curriculum: a glossary term is one passage of the course's index)."""

    term = blocks.CharBlock(max_length=100)
    definition = blocks.TextBlock(max_length=1000, help_text="Plain text, one or two sentences.")

    class Meta:
        icon = "help"
        label = "Term"


class GlossaryBlock(blocks.StreamBlock):
    term = GlossaryTermBlock()

    class Meta:
        max_num = 500
