"""Avatar processing: trust the pixels, never the name.

The upload is decoded by Pillow (the extension and the declared content type are
ignored), checked against a byte limit, an allow-list of formats and a pixel limit read
from the header *before* any pixel is decoded (decompression bombs), then re-encoded as
a square WebP from raw pixels only, so EXIF (GPS position, camera serial), ICC and XMP
metadata of the original never reach storage. Only the rendition is kept.

Memory is bounded twice. Per image: the memory decoding and squaring will take is
estimated from the header (pixels x bytes per pixel of the decoded mode and of the
full-size copies the pipeline makes for it) and refused past AVATAR_MAX_DECODED_BYTES;
a pixel count alone let a 194 KB 16-bit PNG cost 570 MB. Per process: at most
AVATAR_MAX_CONCURRENT_DECODES images are decoded at once; a caller waits up to
AVATAR_DECODE_WAIT_MS for a slot, then gets AvatarBusy (the API answers 429 with
Retry-After).
"""

import io
import threading
import warnings
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Modes resized as they are (converted after, on the small result); others are converted
# to RGB(A) first, at full size.
_RESIZE_MODES = ("L", "LA", "RGB", "RGBA")
# Bytes per pixel of Pillow's in-memory modes (everything else takes 4).
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


def avatar_rendition(upload) -> ContentFile:
    """A square WebP of AVATAR_SIZE pixels, or ValidationError with a code:
    file_too_large, image_too_large (pixels or decoded memory), invalid_image; or
    AvatarBusy when no decode slot frees up in time."""
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
                if _decoded_bytes(image) > settings.AVATAR_MAX_DECODED_BYTES:
                    raise _too_much_memory(*image.size)
                with decode_slot():
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


class AvatarBusy(Exception):
    """Every decode slot of this process stayed taken for AVATAR_DECODE_WAIT_MS."""

    retry_after = 1


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


@contextmanager
def decode_slot():
    """Hold one of the process's AVATAR_MAX_CONCURRENT_DECODES decode slots, waiting up
    to AVATAR_DECODE_WAIT_MS for one; AvatarBusy when none frees up."""
    limit = max(1, settings.AVATAR_MAX_CONCURRENT_DECODES)
    with _slots_lock:
        slots = _slots.setdefault(limit, threading.BoundedSemaphore(limit))
    if not slots.acquire(timeout=max(0, settings.AVATAR_DECODE_WAIT_MS) / 1000):
        raise AvatarBusy("Too many avatars are being processed right now; try again in a moment.")
    try:
        yield
    finally:
        slots.release()


def _decoded_bytes(image: Image.Image) -> int:
    """The memory `load()` + `_square()` take for this image, from its header: the
    decoded pixels, plus the full-size RGB(A) copy for modes that cannot be resized as
    they are (16-bit, palette, CMYK...), plus the premultiplied copy resizing makes of an
    image with alpha. Measured within 10% of peak RSS for RGB, RGBA and I;16 PNGs."""
    width, height = image.size
    per_pixel = _MODE_BYTES.get(image.mode, 4)
    if image.mode not in _RESIZE_MODES:
        per_pixel += 4
    if _has_alpha(image):
        per_pixel += 4
    return width * height * per_pixel


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _square(image: Image.Image) -> Image.Image:
    ImageOps.exif_transpose(image, in_place=True)  # a full copy only when it must turn
    target = "RGBA" if _has_alpha(image) else "RGB"
    if image.mode not in _RESIZE_MODES:
        image = image.convert(target)  # a full-size copy, counted by _decoded_bytes
    side = settings.AVATAR_SIZE
    fitted = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS).convert(target)
    # A brand-new image from the raw pixels: no info dict, so no metadata to carry over.
    return Image.frombytes(fitted.mode, fitted.size, fitted.tobytes())


def _too_many_pixels(width, height) -> ValidationError:
    found = f" ({width}x{height})" if width else ""
    return ValidationError(
        f"The image has too many pixels{found}; the limit is {settings.AVATAR_MAX_PIXELS}.",
        code="image_too_large",
    )


def _too_much_memory(width, height) -> ValidationError:
    return ValidationError(
        f"The image ({width}x{height}) would take more than {settings.AVATAR_MAX_DECODED_BYTES} "
        "bytes of memory to process; upload a smaller image (fewer pixels or 8 bits per channel).",
        code="image_too_large",
    )
