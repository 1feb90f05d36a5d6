"""Small pictures (and things that are not pictures) for the option image tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name: str = "picture.png", size: tuple[int, int] = (4, 3)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (31, 95, 63)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_a_picture(name: str = "picture.png") -> SimpleUploadedFile:
    """An HTML page named like a PNG: its content decides, not its name."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", "image/png")
