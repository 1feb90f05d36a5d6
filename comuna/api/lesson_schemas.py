"""The typed answers of the clearing house's endpoint (lessons), so the OpenAPI document
describes it. Names start with ``Lesson`` (OpenAPI components are named after them)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from comuna.api.schemas import Label


class LessonBody(Schema):
    slug: str
    name: str


class LessonProject(Schema):
    id: int
    cycle: int
    title: str
    category: Label | None = Field(description="A need category, when the project names one.")
    place: str


class LessonOut(Schema):
    id: int
    url: str = Field(description="The lesson's page.")
    body: LessonBody
    project: LessonProject
    outcome: Label = Field(description="done or abandoned.")
    what_happened: str
    what_worked: str
    what_did_not: str
    cost_note: str = Field(description="The costs against the estimate, in the team's words.")
    advice: str
    estimate: str = Field(description="The project's estimated cost, an exact amount.")
    spent: str = Field(description="What was spent when the lesson was recorded, exact.")
    currency: str = Field(description="ISO 4217 code of both amounts.")
    recorded_at: datetime


class LessonList(Schema):
    items: list[LessonOut] = Field(
        description="Best match first when `q` has words; the latest first otherwise."
    )
    count: int = Field(description="How many lessons match, on every page.")
    page: int
    next_page: int | None = Field(
        description="Pass as `page` for the next page; null on the last page."
    )
