"""Avatar processing: trust the pixels, never the name.

The upload is decoded by Pillow (the extension and the declared content type are
ignored), checked against a byte limit, an allow-list of formats and a pixel limit read
from the header *before* any pixel is decoded (decompression bombs), then re-encoded as
a square WebP from raw pixels only, so EXIF (GPS position, camera serial), ICC and XMP
metadata of the original never reach storage. Only the rendition is kept.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


def avatar_rendition(upload) -> ContentFile:
    """A square WebP of AVATAR_SIZE pixels, or ValidationError with a code:
    file_too_large, image_too_large (pixels), invalid_image."""
    max_bytes = settings.AVATAR_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            f"The file is larger than {max_bytes} bytes; upload a smaller image.", code="file_too_large"
        )
    formats = [f.upper() for f in settings.AVATAR_FORMATS]
    invalid = ValidationError(
        f"This is not an image we accept. Upload a {', '.join(formats)} file.", code="invalid_image"
    )
    with warnings.catch_warnings():
        # Pillow only warns below 2x its own limit; treat the warning as the error it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload, formats=formats) as image:
                width, height = image.size
                if width < 1 or height < 1:
                    raise invalid
                if width * height > settings.AVATAR_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                if image.format == "JPEG":
                    # Let libjpeg decode at a reduced scale: less memory, same result.
                    image.draft("RGB", (settings.AVATAR_SIZE, settings.AVATAR_SIZE))
                image.seek(0)  # first frame of an animation
                image.load()
                pixels = _square(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(None, None) from None
        except ValidationError:
            raise
        except _DECODE_ERRORS:
            raise invalid from None
    out = io.BytesIO()
    pixels.save(out, format="WEBP", quality=85, method=4)
    return ContentFile(out.getvalue(), name="avatar.webp")


def _square(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    side = settings.AVATAR_SIZE
    fitted = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    # A brand-new image from the raw pixels: no info dict, so no metadata to carry over.
    return Image.frombytes(fitted.mode, fitted.size, fitted.tobytes())


def _too_many_pixels(width, height) -> ValidationError:
    found = f" ({width}x{height})" if width else ""
    return ValidationError(
        f"The image has too many pixels{found}; the limit is {settings.AVATAR_MAX_PIXELS}.",
        code="image_too_large",
    )
