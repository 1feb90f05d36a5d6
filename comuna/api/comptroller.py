"""API of social comptrollership: a body's findings and complaints, their public parts, for
anyone when the statute's ``cycle_public`` says so (the body's members otherwise: 401 for a
visitor, 403 for a stranger), as the pages show them.

A finding comes with its inspection, the organ that must answer, its deadline (overdue
flagged), its evidence files (name, type, SHA-256 as the ledger records it, download address)
and its answer. A complaint comes with its subject, text, deadline and answer; who filed it
only as the public ledger names them (a resident id) and never for an anonymous complaint, nor
anything else that would link one to its author. Lists are paginated with ``after`` (the last
id read) and ``limit``; an object of another body is not found (404)."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router

from comuna import rows
from comuna.api import comptroller_schemas as out
from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.schemas import label, page_by_id, problems
from comuna.cycles import comptroller as service
from comuna.cycles.models import Complaint, ComplaintStatus, Finding, FindingStatus
from comuna.territory.models import Mandate, MandateKind

router = Router(tags=["cycle"])

FOUND = problems(400, 401, 403, 404)

FindingStatusCode = enum.StrEnum(
    "FindingStatusCode", {code.upper(): code for code in FindingStatus.values}
)
ComplaintStatusCode = enum.StrEnum(
    "ComplaintStatusCode", {code.upper(): code for code in ComplaintStatus.values}
)


# --- findings -----------------------------------------------------------------------------------


def _finding_summary(finding: Finding, today) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "inspection": finding.inspection_id,
        "title": finding.title,
        "organ": {"id": finding.organ_id, "name": finding.organ.name},
        "status": label(finding.status, finding.get_status_display()),
        "filed_at": finding.filed_at,
        "due_on": finding.due_on,
        "overdue": service.is_overdue(finding, today),
        "answered_at": finding.answered_at,
        "recall": finding.recall_id,
    }


def _answered_by_mandate(finding: Finding) -> int | None:
    if finding.answered_by_id is None:
        return None
    found = (
        Mandate.objects.filter(
            organ_id=finding.organ_id,
            kind=MandateKind.SPOKESPERSON,
            resident__user_id=finding.answered_by_id,
        )
        .order_by("-starts_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return found


def _finding_detail(finding: Finding, slug: str, today) -> dict[str, Any]:
    inspection = finding.inspection
    return {
        **_finding_summary(finding, today),
        "text": finding.text,
        "inspection_detail": {
            "id": inspection.pk,
            "title": inspection.title,
            "scope": inspection.scope,
            "execution": inspection.execution_id,
            "opened_at": inspection.opened_at,
            "closed_at": inspection.closed_at,
        },
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "type": e.file_type,
                "sha256": e.sha256,
                "url": reverse("evidence", kwargs={"slug": slug, "pk": e.pk}),
            }
            for e in finding.evidence.order_by("pk")
        ],
        "answer": finding.answer,
        "answered_by_mandate": _answered_by_mandate(finding),
    }


@router.get(
    "/bodies/{slug}/findings/",
    operation_id="comptroller_findings",
    summary="A body's findings of its social comptroller unit",
    response={200: out.FindingList, **FOUND},
    url_name="api-findings",
)
@declare(PUBLIC)
def finding_list(
    request,
    slug: str = slug_path(),
    status: Annotated[
        FindingStatusCode | None, Query(description="Only the findings in this status.")
    ] = None,
    inspection: Annotated[
        int | None,
        Query(ge=0, le=rows.MAX_ID, description="Only the findings of this inspection."),
    ] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last finding id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's findings, by id: inspection, title, the organ that must answer, status,
    the day the answer is due (overdue flagged), when answered, the recall started on it."""
    body = readable_body(request, slug)
    found = Finding.objects.select_related("organ").filter(inspection__body=body, pk__gt=after)
    if status is not None:
        found = found.filter(status=status)
    if inspection is not None:
        found = found.filter(inspection_id=inspection)
    today = timezone.localdate()
    return page_by_id(found.order_by("pk"), limit, lambda f: _finding_summary(f, today))


@router.get(
    "/bodies/{slug}/findings/{finding_id}/",
    operation_id="comptroller_finding",
    summary="A finding: its inspection, evidence, deadline and answer",
    response={200: out.FindingDetail, **FOUND},
    url_name="api-finding",
)
@declare(PUBLIC)
def finding_detail(
    request,
    slug: str = slug_path(),
    finding_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Finding id."),
):
    """Everything the finding's page shows: what was found, the inspection, the organ that
    must answer and by when, the evidence files with their SHA-256 (as the ledger records
    them) and download addresses, and the answer with the mandate that gave it."""
    body = readable_body(request, slug)
    finding = get_object_or_404(
        Finding.objects.select_related("organ", "inspection"),
        pk=finding_id,
        inspection__body=body,
    )
    return _finding_detail(finding, body.slug, timezone.localdate())


# --- complaints ---------------------------------------------------------------------------------


def _complaint_summary(complaint: Complaint, today) -> dict[str, Any]:
    return {
        "id": complaint.pk,
        "subject": complaint.subject,
        "execution": complaint.execution_id,
        "anonymous": complaint.anonymous,
        # as the public ledger names the complainant: never for an anonymous complaint
        "resident": None if complaint.anonymous else complaint.filed_by_id,
        "status": label(complaint.status, complaint.get_status_display()),
        "filed_at": timezone.localdate(complaint.filed_at),
        "due_on": complaint.due_on,
        "overdue": service.is_overdue(complaint, today),
        "answered_at": complaint.answered_at,
    }


@router.get(
    "/bodies/{slug}/complaints/",
    operation_id="comptroller_complaints",
    summary="A body's complaints to its social comptroller unit (their public parts)",
    response={200: out.ComplaintList, **FOUND},
    url_name="api-complaints",
)
@declare(PUBLIC)
def complaint_list(
    request,
    slug: str = slug_path(),
    status: Annotated[
        ComplaintStatusCode | None, Query(description="Only the complaints in this status.")
    ] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last complaint id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's complaints, by id: subject, the project it is about, whether anonymous,
    status, the day the answer is due (overdue flagged). Never who filed an anonymous one."""
    body = readable_body(request, slug)
    found = Complaint.objects.filter(body=body, pk__gt=after)
    if status is not None:
        found = found.filter(status=status)
    today = timezone.localdate()
    return page_by_id(found.order_by("pk"), limit, lambda c: _complaint_summary(c, today))


@router.get(
    "/bodies/{slug}/complaints/{complaint_id}/",
    operation_id="comptroller_complaint",
    summary="A complaint: its text, deadline and answer (its public parts)",
    response={200: out.ComplaintDetail, **FOUND},
    url_name="api-complaint",
)
@declare(PUBLIC)
def complaint_detail(
    request,
    slug: str = slug_path(),
    complaint_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Complaint id."),
):
    """What the complaint's page shows anyone: subject, text, the project it is about, the
    deadline and the comptroller unit's answer. Never who filed an anonymous one."""
    body = readable_body(request, slug)
    complaint = get_object_or_404(Complaint, pk=complaint_id, body=body)
    return {
        **_complaint_summary(complaint, timezone.localdate()),
        "text": complaint.text,
        "answer": complaint.answer,
    }
