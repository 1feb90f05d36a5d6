"""Schemas of the parliament's API (comuna/api/parliament.py)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class ParliamentHolder(Schema):
    mandate: int
    resident: str
    since: date


class ParliamentSeat(Schema):
    number: int
    sector: Label
    member: str | None = Field(description="The member body's short name (a MEMBER seat).")
    label: str = Field(description="The organisation's name (an ORGANISATION seat).")
    principal: ParliamentHolder | None
    substitute: ParliamentHolder | None


class ParliamentInstruction(Schema):
    id: int
    member: str = Field(description="The member body whose assembly gave it.")
    mandate: int = Field(description="The mandate it was given to (a later holder is bound too).")
    matter: str
    text: str
    position: Label
    status: Label
    item: int = Field(description="The session's agenda item it is about.")


class ParliamentSupport(Schema):
    member: str
    status: Label
    motion: int


class ParliamentInitiative(Schema):
    id: int
    title: str
    description: str
    status: Label
    started_by: str
    members: int
    threshold: int = Field(description="Members whose assemblies must carry it.")
    carried: int
    due_on: date | None
    overdue: bool
    item: int | None = Field(description="The session's agenda item it was put on.")
    supports: list[ParliamentSupport]


class ParliamentVote(Schema):
    mandate: int
    resident: str
    member: str | None
    vote: Label
    instruction: int | None
    instruction_position: str | None
    against_instruction: bool


class ParliamentRatification(Schema):
    member: str
    status: Label
    binding: str = Field(description="binds, not_yet_binding or does_not_bind.")
    motion: int = Field(description="The motion of the member's assembly.")


class ParliamentDecision(Schema):
    motion: int
    session: int
    item: int
    text: str
    outcome: Label
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    decided_at: datetime | None
    votes: list[ParliamentVote]
    ratifications: list[ParliamentRatification]


class ParliamentSession(Schema):
    id: int
    title: str
    starts_at: datetime
    status: Label


class ParliamentOut(Schema):
    body: str
    organ: str
    seats: list[ParliamentSeat]
    instructions: list[ParliamentInstruction]
    sessions: list[ParliamentSession]
    initiatives: list[ParliamentInitiative]
    decisions: list[ParliamentDecision]
