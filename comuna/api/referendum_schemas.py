"""The typed answers of the founding referendums' endpoints, so the OpenAPI document describes
them. Names start with ``Referendum`` (OpenAPI components are named after them)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class ReferendumBody(Schema):
    slug: str
    name: str


class ReferendumCount(Schema):
    registered: int = Field(description="Voters on the register(s) when the poll(s) opened.")
    ballots: int = Field(description="Ballots cast, online and on paper.")
    yes: int
    no: int
    blank: int = Field(description="Ballots cast for neither (paper): turnout only.")


class ReferendumPlace(Schema):
    member: ReferendumBody
    joined: bool = Field(description="Whether the member joined the promoting commission.")
    joined_at: datetime | None
    poll: int | None = Field(description="The member's own poll, once voting opened.")
    poll_status: Label | None
    count: ReferendumCount | None = Field(description="Its poll's recorded count, once merged.")


class ReferendumResult(Schema):
    totals: ReferendumCount
    turnout_met: bool = Field(description="At least turnout_pct of the registers voted.")
    majority: bool = Field(description="Yes above majority_pct of the yes and no votes.")
    carried: bool = Field(description="Both: the body is founded.")


class ReferendumSummary(Schema):
    id: int
    url: str = Field(description="The referendum's page.")
    name: str
    slug: str = Field(description="The short name the founded body takes.")
    kind: Label = Field(description="What it founds: a commune or a communal city.")
    status: Label
    host: ReferendumBody
    founded: ReferendumBody | None


class ReferendumOut(ReferendumSummary):
    territory: str
    parent: ReferendumBody | None = Field(description="The body the new one federates into.")
    question: str
    charter: str = Field(description="The founding charter (a draft until voting opens).")
    charter_sha256: str = Field(
        description="SHA-256 of the charter's UTF-8 text, sealed when voting opened; empty before."
    )
    turnout_pct: str | None = Field(description="Fixed when voting opens.")
    majority_pct: str | None = Field(description="Fixed when voting opens.")
    opens_at: datetime | None
    closes_at: datetime | None
    counted_at: datetime | None
    places: list[ReferendumPlace]
    result: ReferendumResult | None


class ReferendumList(Schema):
    items: list[ReferendumSummary]
