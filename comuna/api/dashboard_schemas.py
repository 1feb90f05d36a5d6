"""The shapes of the dashboard's answer (``GET /api/v1/bodies/{slug}/dashboard/``)."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class DashboardCount(Schema):
    """A count of people: ``value`` is null when ``suppressed`` is true (fewer people than the
    statute's ``min_count``, or hidden so that such a count cannot be worked out from a total),
    and null with ``suppressed`` false when there is nothing to count (no counted poll)."""

    value: int | None = Field(description="Null when suppressed or when there is nothing to count.")
    suppressed: bool


class DashboardTurnout(Schema):
    """Ballots over the voters on the registers of the counted polls, as a percentage to one
    decimal; suppressed whenever its ballots or its register is."""

    value: str | None = Field(description='A percentage to one decimal, e.g. "47.1".')
    suppressed: bool


class DashboardTally(Schema):
    code: str
    label: str
    count: int


class DashboardMoney(Schema):
    currency: str
    allocated: str = Field(description="Allocated to funded projects (exact decimal).")
    received: str = Field(description="Money received (exact decimal).")
    spent: str = Field(description="Spent on funded projects, reversals subtracted.")


class DashboardRow(Schema):
    body: str = Field(description="The body's short name.")
    name: str
    kind: Label
    own: bool = Field(
        description="The body's own figures (its own cycles, budgets and polls), not its members'."
    )
    withheld: bool = Field(
        description="Its statute keeps its cycle to its members: none of its figures is counted."
    )
    needs: int = Field(description="Needs reported (withdrawn ones left out).")
    needs_by_category: list[DashboardTally]
    projects: int = Field(description="Projects proposed.")
    projects_by_status: list[DashboardTally]
    under_way: int = Field(description="Funded projects not started, in progress or paused.")
    done: int
    abandoned: int
    money: list[DashboardMoney] = Field(description="One entry per currency, never added up.")
    polls: int = Field(description="Counted polls and budget votes.")
    registered: DashboardCount = Field(description="Residents on the electoral register today.")
    reporters: DashboardCount = Field(description="Residents who reported needs.")
    ballots: DashboardCount = Field(description="Ballots counted in the counted polls.")
    eligible: DashboardCount = Field(description="Voters on the counted polls' registers.")
    turnout: DashboardTurnout
    members: list[DashboardRow] = Field(
        description="The rows it adds up: its own figures first (when it has any), then each "
        "member's."
    )


DashboardRow.model_rebuild()


class DashboardOut(Schema):
    body: str
    on: date = Field(description="The day the figures are of (the register's day).")
    min_count: int = Field(
        description="The statute's dashboard_min_count: counts of fewer people are suppressed."
    )
    currencies: list[str] = Field(description="The body's own currency first.")
    withheld: list[str] = Field(
        description="Bodies whose statute keeps their cycle to their members: not counted."
    )
    total: DashboardRow = Field(description="The body's figures with every member's.")
