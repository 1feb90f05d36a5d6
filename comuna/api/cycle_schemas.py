"""The typed answers of the cycle's and the diagnosis's endpoints, so the OpenAPI document
describes them. Names start with ``Cycle`` or ``Need`` (OpenAPI components are named after
them)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class CyclePhaseRow(Schema):
    phase: Label
    first: date = Field(description="Its first day.")
    last: date = Field(description="Its last day (inclusive).")
    state: str = Field(description="past, now or next.")


class CycleStep(Schema):
    action: Label = Field(description="A permission action and what it lets one do.")
    allowed: bool = Field(description="Whether the caller may do it now.")
    page: str | None = Field(description="The page that does it.")


class CycleCounts(Schema):
    needs: int = Field(description="Needs reported, withdrawn ones included.")
    supports: int
    projects: int
    feasible: int
    rejected: int
    budgets: int


class CycleSummary(Schema):
    id: int
    title: str
    phase: Label = Field(description="The phase on today, from the calendar.")
    starts_on: date
    ends_on: date


class CensusHouseholds(Schema):
    total: int
    without_water: int = Field(description="Households without running water.")
    without_electricity: int
    without_gas: int = Field(description="Households without domestic gas.")


class CensusResidents(Schema):
    total: int
    with_disability: int
    ages: dict[str, int] = Field(
        description="Residents by age band: low_high (inclusive) or low_plus, e.g. 0_5, 65_plus."
    )


class CycleCensus(Schema):
    on: date
    households: CensusHouseholds
    residents: CensusResidents


class CycleDetail(CycleSummary):
    description: str
    calendar: list[CyclePhaseRow] = Field(description="The phases in order, with their days.")
    now: list[CycleStep] = Field(
        description="What the caller can do in the phase now on; for a reader who can do none "
        "of it, what a resident could (allowed false)."
    )
    counts: CycleCounts
    priorities: list[int] = Field(
        description="The needs' ids in the order the assembly's prioritisation gave them "
        "(empty before it is recorded)."
    )
    priority_poll: int | None = Field(description="The prioritisation vote's poll id.")
    budgets: list[int] = Field(description="The ids of the cycle's participatory budgets.")
    census: CycleCensus = Field(
        description="The census's own figures of the body beside the diagnosis (numbers only)."
    )


class CycleList(Schema):
    items: list[CycleSummary] = Field(description="Cycles, the latest to start first.")


class NeedSummary(Schema):
    id: int
    cycle: int
    title: str
    category: Label
    place: str
    supports: int
    priority: int | None = Field(description="Its place in the assembly's order, if any.")
    withdrawn: bool


class NeedDetail(NeedSummary):
    description: str
    latitude: str | None = Field(description="The point, when given (decimal degrees).")
    longitude: str | None
    photo: str | None = Field(description="The address of its photo, when it has one.")
    reported_at: datetime
    projects: list[int] = Field(description="The ids of the projects answering it.")


class NeedList(Schema):
    items: list[NeedSummary] = Field(description="Needs ordered by id.")
    next_after: int | None = Field(
        description="Pass as ``after`` for the next page; null at the end."
    )
