"""Documents kept as proof: an expense's receipt, a finding's evidence. What an upload must be
(a PDF or a picture, by its content, not its name or the type the browser claims), how big, and
its SHA-256 (which goes into the ledger entry, so a file swapped on disk is caught by
``comuna ledger verify``); and how a stored one is served back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from comuna.cycles.cycle import refuse
from comuna.units import megabytes
from comuna.voting.images import FORMATS, image_format

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


@dataclass(frozen=True)
class Document:
    kind: str  # pdf, jpg, png, gif, webp: the extension it is stored under
    sha256: str
    size: int


def _is_pdf(file: Any) -> bool:
    """A PDF by its content: it starts with ``%PDF-`` and ends with ``%%EOF`` (within the
    last kilobyte, where writers put it)."""
    file.seek(0)
    head = file.read(1024)
    if b"%PDF-" not in head[:1024]:
        return False
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 1024))
    tail = file.read()
    return b"%%EOF" in tail


def sha256_of(file: Any) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_document(file: Any, field: str) -> Document:
    """The upload as a :class:`Document`, or a refusal under ``field`` saying what is wrong
    (too large, not a PDF or a picture)."""
    if not file:
        raise refuse(_("Attach the file: a PDF or a picture (JPEG, PNG, GIF or WebP)."), field)
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_DOCUMENT_BYTES:
        raise refuse(
            _("The file is %(size)s MB; the largest allowed is %(max)s MB.")
            % {"size": megabytes(size), "max": megabytes(MAX_DOCUMENT_BYTES)},
            field,
        )
    if size == 0:
        raise refuse(_("The file is empty."), field)
    position = file.tell()
    try:
        if _is_pdf(file):
            kind = "pdf"
        else:
            found = image_format(file)
            kind = FORMATS.get(found or "", "")
        if not kind:
            raise refuse(_("This file is not a PDF nor a JPEG, PNG, GIF or WebP picture."), field)
        return Document(kind=kind, sha256=sha256_of(file), size=size)
    finally:
        file.seek(position if position else 0)


def stored_sha256(field_file: Any) -> str | None:
    """The SHA-256 of a stored file as it is on disk now, or None when it is gone."""
    if not field_file:
        return None
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            return sha256_of(handle)
    except (FileNotFoundError, OSError):
        return None


def served(field_file: Any, kind: str, *, download_as: str | None = None) -> FileResponse:
    """A stored document (a receipt, a progress photo, a finding's evidence) as the answer to
    whoever may read it: with the content type its content was checked to be (``kind``), never
    sniffed, cached privately. It is shown under the name it is stored under (unique: the
    accountability page's receipts.sha256 lists it) or, with ``download_as``, downloaded under
    that name. One of no known kind, or with no file, or whose file is gone, is not found."""
    content_type = CONTENT_TYPES.get(kind)
    if content_type is None or not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if download_as is None:
        response = FileResponse(handle, content_type=content_type)
        stored = field_file.name.rsplit("/", 1)[-1]
        response["Content-Disposition"] = f'inline; filename="{stored}"'
    else:
        response = FileResponse(
            handle, content_type=content_type, as_attachment=True, filename=download_as
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
