"""The typed answers of the plan's endpoints (a cycle's projects), so the OpenAPI document
describes them. Names start with ``Project`` (OpenAPI components are named after them)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class ProjectItem(Schema):
    description: str
    quantity: str = Field(description="An exact decimal, as a string.")
    unit_cost: str = Field(description="An exact amount, as a string.")
    subtotal: str = Field(description="quantity × unit cost, exact, as a string.")


class ProjectReviewOut(Schema):
    id: int
    revision: int = Field(description="The revision of the project reviewed.")
    decision: Label = Field(description="feasible or rejected (not feasible).")
    reason: str = Field(description="Why: always given for a rejection; public.")
    reviewed_at: datetime


class ProjectCommittee(Schema):
    id: int
    name: str


class ProjectSummary(Schema):
    id: int
    cycle: int
    title: str
    needs: list[int] = Field(description="The ids of the needs it answers.")
    category: str = Field(description="A need category code, or empty.")
    committee: ProjectCommittee | None = Field(description="The responsible committee.")
    cost: str = Field(description="The estimated cost (the exact sum of its items), a string.")
    status: Label = Field(description="submitted, feasible, rejected or withdrawn.")
    revision: int


class ProjectDetail(ProjectSummary):
    description: str
    proposing_committee: ProjectCommittee | None = Field(
        description="The committee proposing it, when a committee did."
    )
    place: str
    latitude: str | None = Field(description="The point, when given (decimal degrees).")
    longitude: str | None
    items: list[ProjectItem] = Field(description="The cost items, in order.")
    reviews: list[ProjectReviewOut] = Field(
        description="The executive unit's reviews, oldest first, each with its reason."
    )
    created_at: datetime


class ProjectList(Schema):
    items: list[ProjectSummary] = Field(description="Projects ordered by id.")
    next_after: int | None = Field(
        description="Pass as ``after`` for the next page; null at the end."
    )
