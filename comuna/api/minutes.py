"""The assemblies' minutes as files: the same bytes as the web downloads
(``web.assembly_minutes.minutes_html`` and ``minutes_pdf``). Sealed minutes are public, and
hashing the HTML gives the ``minutes_sha256`` the ledger's ``assembly.minutes_sealed`` entry
records; minutes not sealed (or missing) are not found here (404)."""

from __future__ import annotations

from django.http import Http404
from ninja import Path, Router

from comuna import rows
from comuna.api import schemas
from comuna.api.access import PUBLIC, declare
from comuna.assemblies import minutes as service
from comuna.assemblies.models import Assembly, Minutes, MinutesStatus
from comuna.territory.models import Body
from comuna.web.assembly_minutes import download

router = Router(tags=["public"])

SLUG = r"^[-a-zA-Z0-9_]+$"
FOUND = schemas.problems(400, 401, 404)


def _file(media_type: str, description: str, binary: bool) -> dict:
    schema = {"type": "string", **({"format": "binary"} if binary else {})}
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {media_type: {"schema": schema}},
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment, with the file's name",
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    }


def _sealed(slug: str, assembly_id: int) -> Minutes:
    assembly = rows.with_body(Assembly, assembly_id, slug, Body)
    if assembly is None:
        raise Http404
    minutes = Minutes.objects.filter(assembly=assembly, status=MinutesStatus.SEALED).first()
    if minutes is None:
        raise Http404
    minutes.assembly = assembly
    return minutes


_SLUG = Path(..., pattern=SLUG, max_length=80, description="The body's short name.")
_ID = Path(..., ge=0, le=rows.MAX_ID, description="Assembly id.")


@router.get(
    "/bodies/{slug}/assemblies/{assembly_id}/minutes.html",
    operation_id="assembly_minutes_html",
    summary="Sealed minutes of an assembly, as HTML",
    response=FOUND,
    openapi_extra=_file(
        "text/html", "The sealed minutes: their SHA-256 is the ledger's minutes_sha256.", False
    ),
)
@declare(PUBLIC)
def public_minutes_html(request, slug: str = _SLUG, assembly_id: int = _ID):
    """The sealed minutes' HTML, byte for byte the file whose SHA-256 the ledger records."""
    minutes = _sealed(slug, assembly_id)
    content = service.html_download(minutes).encode("utf-8")
    return download(minutes, content, "text/html; charset=utf-8", "html")


@router.get(
    "/bodies/{slug}/assemblies/{assembly_id}/minutes.pdf",
    operation_id="assembly_minutes_pdf",
    summary="Sealed minutes of an assembly, as PDF",
    response=FOUND,
    openapi_extra=_file(
        "application/pdf", "The sealed minutes, their SHA-256 in every page's footer.", True
    ),
)
@declare(PUBLIC)
def public_minutes_pdf(request, slug: str = _SLUG, assembly_id: int = _ID):
    """The sealed minutes as PDF (WeasyPrint), with their SHA-256 in every page's footer."""
    minutes = _sealed(slug, assembly_id)
    return download(minutes, service.pdf_download(minutes), "application/pdf", "pdf")
