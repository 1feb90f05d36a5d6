"""The typed answers of the participatory budgets' endpoints, so the OpenAPI document describes
each of them. Names start with ``Budget`` (OpenAPI components are named after them)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class BudgetConstraints(Schema):
    min_projects: int = Field(description="The fewest projects a ballot chooses.")
    max_projects: int | None = Field(description="The most projects a ballot chooses.")
    max_cost: Decimal | None = Field(description="The most a ballot may spend (cart ballots).")
    max_points: int | None = Field(description="The points each voter shares out (points).")


class BudgetProjectRow(Schema):
    id: str = Field(description="The project's id in the .pb file (and the ballot's key).")
    project: int | None = Field(description="The cycle's project; null for an imported file.")
    title: str
    cost: Decimal | None
    votes: int | None = Field(description="Votes (or points) once counted.")
    funded: bool | None = Field(description="Funded after the carried deviations, once counted.")
    why: list[str] = Field(description="Why it was or was not funded, in the reader's language.")


class BudgetVoters(Schema):
    slug: str
    name: str


class BudgetDistrictRow(Schema):
    id: int
    name: str
    amount: Decimal
    voters_body: BudgetVoters | None = Field(
        description="The member whose own residents vote in this district (a commune-wide "
        "budget's council); null: every voter of the budget's body."
    )
    funded: list[str] = Field(description="The ids funded by the count (before deviations).")
    projects: list[BudgetProjectRow]
    comparison: dict[str, list[str] | None] = Field(
        description="Rule id -> the ids it funds on the same ballots (null: not applicable)."
    )


class BudgetDeviationRow(Schema):
    id: int
    project: str = Field(description="The project's id in the .pb file.")
    change: Label
    reason: str
    status: Label
    assembly: int | None
    motion: int | None


class BudgetOrigin(Schema):
    body: BudgetVoters | None = Field(
        description="The member whose plan the projects came from; null: the body's own."
    )
    cost: Decimal
    funded: list[str] = Field(description="The funded projects' ids (as in the .pb files).")


class BudgetOverall(Schema):
    amount: Decimal = Field(description="The money shared out: the districts' sum.")
    spent: Decimal = Field(description="What the funded projects cost, after deviations.")
    left: Decimal
    funded: int = Field(description="How many projects are funded, every district.")
    projects: int = Field(description="How many projects were on the ballots.")
    per_member: list[BudgetOrigin] = Field(
        description="The funded projects by the member whose plan they came from."
    )


class BudgetSummary(Schema):
    id: int
    title: str
    cycle: int | None = Field(description="Null for a budget imported from a Pabulib file.")
    rule: str = Field(description="The counting rule's id in the engine.")
    rule_name: str
    budget: Decimal = Field(description="The money shared out: the districts' sum.")
    currency: str
    ballot_kind: Label
    status: Label
    districts: int = Field(description="How many districts or categories.")
    funded: list[str] = Field(
        description="The funded projects' ids (as in the .pb), after carried deviations."
    )


class BudgetList(Schema):
    items: list[BudgetSummary]
    next_after: int | None


class BudgetDetail(Schema):
    id: int
    title: str
    cycle: int | None
    rule: str
    rule_name: str
    budget: Decimal
    currency: str
    ballot_kind: Label
    status: Label
    constraints: BudgetConstraints
    districts: list[BudgetDistrictRow]
    funded: list[str] = Field(
        description="The funded projects' ids (as in the .pb), after carried deviations."
    )
    overall: BudgetOverall | None = Field(
        description="Once counted: the whole budget, every district together."
    )
    deviations: list[BudgetDeviationRow]
