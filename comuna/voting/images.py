"""Option images: what an upload must be (a picture by its content, not its name) and how big."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from comuna.units import megabytes

MAX_IMAGE_BYTES = 2 * 1024 * 1024
# Pillow's format name -> the extension the file is stored under
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def image_format(file) -> str | None:
    """The Pillow format of ``file``'s content, or None when it is not a picture we take."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as picture:
            picture.verify()
            found = picture.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        found = None
    finally:
        file.seek(position)
    return found if found in FORMATS else None


def validate_option_image(file) -> None:
    if not file:
        return
    # an image already stored passed this check when it was uploaded
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the largest allowed is 2 MB.")
            % {"size": megabytes(file.size)},
            code="image_size",
        )
    if image_format(file) is None:
        raise ValidationError(
            _("This file is not a JPEG, PNG, GIF or WebP picture."), code="image_type"
        )


def extension(file) -> str:
    return FORMATS.get(image_format(file) or "", "bin")
