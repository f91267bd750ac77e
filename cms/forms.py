"""The editor's document and image forms.

Documents: Wagtail checks the extension (WAGTAILDOCS_EXTENSIONS, in Document.clean);
this adds the size limit, which Wagtail does not have for documents. The authoring API
applies the same two checks (cms.media).

Images: a new upload gets a random file name (cms.media.unguessable_image_name), as
through the API."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm


def attachment_size_error(size: int) -> str | None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        return f"This file is {filesizeformat(size)}; attachments may be at most {filesizeformat(limit)}."
    return None


class AttachmentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file is not None and getattr(file, "size", None) is not None:
            error = attachment_size_error(file.size)
            if error and "file" in self.changed_data:
                raise forms.ValidationError(error, code="file_too_large")
        return file


class LessonImageForm(BaseImageForm):
    def clean_file(self):
        from .media import unguessable_image_name

        file = self.cleaned_data.get("file")
        if file is not None and "file" in self.changed_data:
            file.name = unguessable_image_name(file.name)
        return file
