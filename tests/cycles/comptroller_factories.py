"""Inspections, findings and complaints of council A in any status, made straight from the
models (so other parts' tests do not depend on the comptroller services), and small evidence
files. OBJECTS (model -> maker) joins tests/web/test_permission_matrix.OBJECTS."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comuna.cycles.models import (
    Complaint,
    ComplaintStatus,
    Finding,
    FindingStatus,
    Inspection,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "acta.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fake_pdf(name: str = "acta.pdf") -> SimpleUploadedFile:
    """An HTML page named and typed as a PDF: its content decides."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", "application/pdf")


def inspection_in(cast, body=None, *, closed: bool = False) -> Inspection:
    return Inspection.objects.create(
        body=body or cast.council,
        title="Revisión de la obra del tanque",
        scope="Facturas y avance de la obra del tanque de agua.",
        closed_at=timezone.now() if closed else None,
    )


def finding_in(cast, status: str | None = None, body=None, *, organ=None) -> Finding:
    """A finding of an open inspection of council A naming the health committee (whose
    spokesperson is the spokesperson persona), due in 15 days, in ``status``."""
    status = status or FindingStatus.OPEN
    finding = Finding.objects.create(
        inspection=inspection_in(cast, body),
        title="Factura sin soporte",
        text="La factura 0042 no tiene orden de compra.",
        organ=organ or cast.health,
        due_on=timezone.localdate() + timedelta(days=15),
        status=status,
    )
    if status != FindingStatus.OPEN:
        Finding.objects.filter(pk=finding.pk).update(
            answer="Se consiguió la orden de compra.",
            answered_by=cast.spokesperson.user,
            answered_at=timezone.now(),
        )
        finding.refresh_from_db()
    return finding


def complaint_in(cast, status: str | None = None, body=None, *, anonymous: bool = False):
    """A complaint of the resident persona to council A's comptroller unit, in ``status``."""
    status = status or ComplaintStatus.OPEN
    complaint = Complaint.objects.create(
        body=body or cast.council,
        subject="La obra está parada",
        text="Nadie trabaja en la obra desde hace un mes.",
        filed_by=cast.resident,
        anonymous=anonymous,
        due_on=timezone.localdate() + timedelta(days=15),
        status=status,
    )
    if status == ComplaintStatus.ANSWERED:
        Complaint.objects.filter(pk=complaint.pk).update(
            answer="Se pidió explicación al comité.", answered_at=timezone.now()
        )
        complaint.refresh_from_db()
    return complaint


OBJECTS = {Finding: finding_in, Complaint: complaint_in}
