"""Uploads for lessons: images (Wagtail images, renditions made on demand) and
attachments (Wagtail documents). The same rules as the editor: image format/size/pixel
checks from Wagtail's own image field (WAGTAILIMAGES_*), document extensions from
WAGTAILDOCS_EXTENSIONS and our ATTACHMENT_MAX_BYTES."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.models import Collection

from .forms import attachment_size_error


def _title(file, title: str | None) -> str:
    return (title or PurePath(file.name).stem or "Untitled")[:255]


def unguessable_image_name(name: str) -> str:
    """A random name (the extension kept) for an uploaded image. Image files and their
    renditions (named after the original) are plain files under MEDIA_URL or in the
    bucket, handed out without a check to whoever has the URL; a draft lesson's image
    must not be found by guessing `original_images/diagram.png`. The author's name for
    the file stays in the title. Used by the API upload and the editor's image form."""
    return f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}"


@transaction.atomic
def image_upload(*, user, file, title: str | None = None):
    try:
        WagtailImageField().clean(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    file.seek(0)
    title = _title(file, title)
    file.name = unguessable_image_name(file.name)
    image = get_image_model()(
        title=title,
        file=file,
        uploaded_by_user=user,
        collection=Collection.get_first_root_node(),
    )
    image._set_image_file_metadata()
    image.save()
    return image


@transaction.atomic
def document_upload(*, user, file, title: str | None = None):
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    allowed = [ext.lower() for ext in settings.WAGTAILDOCS_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            {
                "file": [
                    f"Files of type {extension or '(none)'!r} are not allowed; allowed: {', '.join(allowed)}."
                ]
            }
        )
    error = attachment_size_error(file.size)
    if error:
        raise ValidationError({"file": [error]})
    document = get_document_model()(
        title=_title(file, title),
        file=file,
        uploaded_by_user=user,
        collection=Collection.get_first_root_node(),
    )
    document._set_document_file_metadata()
    document.save()
    return document
