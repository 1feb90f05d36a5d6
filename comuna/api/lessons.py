"""API of the clearing house (lessons): ``/api/v1/lessons/``, the lessons the caller may read
(every lesson of a body whose statute makes its cycle public, and those of the caller's own
bodies; the public ones for an anonymous caller), searched by words as the archive's page does
(accents and case ignored; any query is harmless) and filtered by category, outcome, estimated
cost and place. Pages are numbered (``page``, ``limit``): results are ranked, not ordered by
id."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated, Any

from django.urls import reverse
from ninja import Query, Router

from comuna.api import lesson_schemas as out
from comuna.api.access import PUBLIC, declare, user_of
from comuna.api.errors import Invalid
from comuna.api.schemas import label, problems
from comuna.cycles import lessons
from comuna.cycles.models import Lesson, LessonOutcome, NeedCategory
from comuna.voting.money import parse_amount

router = Router(tags=["cycle"])

# an amount as a query parameter: up to 12 digits, then up to two decimals
AMOUNT = r"^[0-9]{1,12}([.,][0-9]{1,2})?$"

CENT = Decimal("0.01")
MOST_PAGES = 100000

CategoryCode = enum.StrEnum("CategoryCode", {c.upper(): c for c in NeedCategory.values})
OutcomeCode = enum.StrEnum("OutcomeCode", {c.upper(): c for c in LessonOutcome.values})


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def _amount(value: str | None, field: str) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:
        amount = parse_amount(value)
    except ValueError as exc:
        raise Invalid(str(exc), [{"field": field, "message": str(exc)}]) from None
    return amount


def _shape(lesson: Lesson) -> dict[str, Any]:
    execution = lesson.execution
    project, body = execution.project, execution.budget.body
    return {
        "id": lesson.pk,
        "url": reverse("lesson", kwargs={"pk": lesson.pk}),
        "body": {"slug": body.slug, "name": body.name},
        "project": {
            "id": project.pk,
            "cycle": project.cycle_id,
            "title": project.title,
            "category": label(project.category, project.get_category_display())
            if project.category
            else None,
            "place": project.place,
        },
        "outcome": label(lesson.outcome, lesson.get_outcome_display()),
        **{name: getattr(lesson, name) for name in lessons.FIELDS},
        "estimate": _money(lesson.estimate),
        "spent": _money(lesson.spent),
        "currency": lesson.currency,
        "recorded_at": lesson.recorded_at,
    }


@router.get(
    "/lessons/",
    operation_id="cycle_lessons",
    summary="Lessons learned: search the clearing house",
    response={200: out.LessonList, **problems(400)},
    url_name="api-lessons",
)
@declare(PUBLIC)
def lesson_list(
    request,
    q: str = Query("", description="Words to find (every one), accents and case ignored."),
    category: Annotated[
        CategoryCode | None, Query(description="Only projects of this need category.")
    ] = None,
    outcome: Annotated[OutcomeCode | None, Query(description="done or abandoned.")] = None,
    min_cost: Annotated[
        str | None,
        Query(
            pattern=AMOUNT,
            description="The lowest estimated cost: digits, with up to two decimals after a "
            "point or a comma, e.g. 1500.00.",
        ),
    ] = None,
    max_cost: Annotated[
        str | None,
        Query(pattern=AMOUNT, description="The highest estimated cost, written as min_cost."),
    ] = None,
    place: Annotated[
        str | None,
        Query(max_length=200, description="A part of the project's place or its body's name."),
    ] = None,
    page: int = Query(1, ge=1, le=MOST_PAGES, description="The page, from 1."),
    limit: int = Query(20, ge=1, le=100),
):
    """The lessons the caller may read, best match first (the latest first without words),
    each with its project, body, outcome, every field the team wrote, and the estimate against
    what was spent."""
    low, high = _amount(min_cost, "min_cost"), _amount(max_cost, "max_cost")
    found = lessons.search(
        q,
        user=user_of(request),
        category=category,
        outcome=outcome,
        min_cost=low,
        max_cost=high,
        place=place,
    )
    start = (page - 1) * limit
    rows = list(found[start : start + limit + 1])
    return {
        "items": [_shape(lesson) for lesson in rows[:limit]],
        "count": found.count(),
        "page": page,
        "next_page": page + 1 if len(rows) > limit else None,
    }
