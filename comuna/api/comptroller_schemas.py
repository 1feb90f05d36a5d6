"""The typed answers of social comptrollership's endpoints (findings and complaints, their
public parts), so the OpenAPI document describes them. Names start with ``Finding`` or
``Complaint`` (OpenAPI components are named after them)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class FindingOrgan(Schema):
    id: int
    name: str


class FindingInspection(Schema):
    id: int
    title: str
    scope: str = Field(description="What is inspected.")
    execution: int | None = Field(description="The id of the project execution inspected.")
    opened_at: datetime
    closed_at: datetime | None


class FindingEvidence(Schema):
    id: int
    name: str = Field(description="The file's name as uploaded.")
    type: str = Field(description="pdf, jpg, png, gif or webp (checked by content).")
    sha256: str = Field(description="The SHA-256 of the file, as its ledger entry records it.")
    url: str = Field(description="Where the file is downloaded (as readable as the finding).")


class FindingSummary(Schema):
    id: int
    inspection: int
    title: str
    organ: FindingOrgan = Field(description="The organ of the body that must answer.")
    status: Label = Field(description="open (waiting for the answer), answered or closed.")
    filed_at: datetime
    due_on: date = Field(description="The day the answer is due (the statute's days).")
    overdue: bool = Field(description="Open and past its day.")
    answered_at: datetime | None
    recall: int | None = Field(description="The id of the recall started on this finding.")


class FindingDetail(FindingSummary):
    text: str = Field(description="What was found.")
    inspection_detail: FindingInspection
    evidence: list[FindingEvidence]
    answer: str = Field(description="The organ's answer; empty until answered.")
    answered_by_mandate: int | None = Field(
        description="The mandate of the spokesperson who answered for the organ."
    )


class FindingList(Schema):
    items: list[FindingSummary] = Field(description="Findings ordered by id.")
    next_after: int | None = Field(
        description="Pass as ``after`` for the next page; null at the end."
    )


class ComplaintSummary(Schema):
    id: int
    subject: str
    execution: int | None = Field(description="The id of the project execution it is about.")
    anonymous: bool = Field(description="Anonymous to everyone but the comptroller unit.")
    resident: int | None = Field(
        description="Who filed it, by resident id as the public ledger names them; always "
        "null for an anonymous complaint."
    )
    status: Label = Field(description="open (waiting for the answer) or answered.")
    filed_at: date = Field(description="The day it was filed.")
    due_on: date = Field(description="The day the comptroller unit's answer is due.")
    overdue: bool = Field(description="Open and past its day.")
    answered_at: datetime | None


class ComplaintDetail(ComplaintSummary):
    text: str
    answer: str = Field(description="The comptroller unit's answer; empty until answered.")


class ComplaintList(Schema):
    items: list[ComplaintSummary] = Field(description="Complaints ordered by id.")
    next_after: int | None = Field(
        description="Pass as ``after`` for the next page; null at the end."
    )
