"""A body's communal cycles and their diagnosis, for anyone when the statute's ``cycle_public``
says so (its members otherwise: 401 for a visitor, 403 for a stranger): the cycles, a cycle
with its calendar, the phase now on, what the caller can do now, its figures, the assembly's
order of the needs and the census's own figures; the needs (category, place, supports,
priority) and a need with its point, photo and the projects answering it. The reporter of a
need is never given. Lists of needs are paginated with ``after`` (the last id read) and
``limit``; a cycle or need of another body is not found (404)."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from ninja import Path, Query, Router

from comuna import rows
from comuna.api import cycle_schemas as out
from comuna.api.access import PUBLIC, declare, user_of
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.schemas import label, page_by_id, problems
from comuna.cycles import cycle as service
from comuna.cycles import needs as need_service
from comuna.cycles.models import Cycle, CyclePhase, Need, NeedCategory

router = Router(tags=["cycle"])

FOUND = problems(400, 401, 403, 404)

NeedCategoryCode = enum.StrEnum(
    "NeedCategoryCode", {code.upper(): code for code in NeedCategory.values}
)


def _cycle_summary(cycle: Cycle) -> dict[str, Any]:
    phase = cycle.phase()
    return {
        "id": cycle.pk,
        "title": cycle.title,
        "phase": label(phase, CyclePhase(phase).label),
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
    }


def _page(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a step whose page does not exist has none
        return None


@router.get(
    "/bodies/{slug}/cycles/",
    operation_id="cycle_list",
    summary="A body's communal cycles",
    response={200: out.CycleList, **FOUND},
    url_name="api-cycles",
)
@declare(PUBLIC)
def cycle_list(request, slug: str = slug_path()):
    """Every cycle of the body, the latest to start first, with the phase now on."""
    body = readable_body(request, slug)
    found = Cycle.objects.filter(body=body).order_by("-starts_on", "-pk")
    return {"items": [_cycle_summary(c) for c in found]}


@router.get(
    "/bodies/{slug}/cycles/{cycle_id}/",
    operation_id="cycle_detail",
    summary="A cycle: calendar, phase, what the caller can do now, figures, priorities",
    response={200: out.CycleDetail, **FOUND},
    url_name="api-cycle",
)
@declare(PUBLIC)
def cycle_detail(
    request,
    slug: str = slug_path(),
    cycle_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Cycle id."),
):
    """What the cycle's page shows: the calendar with the phase now on, what the caller can do
    in it (from the permission tables), the counts, the needs' ids in the assembly's order,
    the cycle's budgets and the census's figures of the body."""
    body = readable_body(request, slug)
    cycle = get_object_or_404(Cycle, pk=cycle_id, body=body)
    return {
        **_cycle_summary(cycle),
        "description": cycle.description,
        "calendar": [
            {
                "phase": label(row["phase"], row["label"]),
                "first": row["first"],
                "last": row["last"],
                "state": row["state"],
            }
            for row in service.calendar(cycle)
        ],
        "now": [
            {
                "action": label(step["action"], service.STEP_LABELS[step["action"]]),
                "allowed": step["allowed"],
                "page": _page(step["url_name"], step["kwargs"]),
            }
            for step in service.next_steps(cycle, user_of(request))
        ],
        "counts": service.counts(cycle),
        "priorities": [n.pk for n in need_service.priorities(cycle)],
        "priority_poll": cycle.priority_poll_id,
        "budgets": list(cycle.budgets.order_by("pk").values_list("pk", flat=True)),
        "census": need_service.census_figures(body),
    }


def _need_summary(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "cycle": need.cycle_id,
        "title": need.title,
        "category": label(need.category, need.get_category_display()),
        "place": need.place,
        "supports": need.n_supports,
        "priority": need.priority,
        "withdrawn": need.withdrawn,
    }


def _needs():
    return Need.objects.annotate(n_supports=Count("supports"))


@router.get(
    "/bodies/{slug}/needs/",
    operation_id="cycle_needs",
    summary="A body's needs",
    response={200: out.NeedList, **FOUND},
    url_name="api-needs",
)
@declare(PUBLIC)
def need_list(
    request,
    slug: str = slug_path(),
    cycle: Annotated[
        int | None, Query(ge=0, le=rows.MAX_ID, description="Only the needs of this cycle.")
    ] = None,
    category: Annotated[
        NeedCategoryCode | None, Query(description="Only the needs of this category.")
    ] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last need id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's needs, by id: cycle, title, category, place, supports, the assembly's
    priority and whether its reporter withdrew it."""
    body = readable_body(request, slug)
    found = _needs().filter(cycle__body=body, pk__gt=after)
    if cycle is not None:
        found = found.filter(cycle_id=cycle)
    if category is not None:
        found = found.filter(category=category)
    return page_by_id(found.order_by("pk"), limit, _need_summary)


@router.get(
    "/bodies/{slug}/needs/{need_id}/",
    operation_id="cycle_need",
    summary="A need: description, place, point, photo, supports, projects answering it",
    response={200: out.NeedDetail, **FOUND},
    url_name="api-need",
)
@declare(PUBLIC)
def need_detail(
    request,
    slug: str = slug_path(),
    need_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Need id."),
):
    """Everything the need's page shows; never who reported it."""
    body = readable_body(request, slug)
    need = get_object_or_404(_needs(), pk=need_id, cycle__body=body)
    photo = reverse("need-photo", kwargs={"slug": body.slug, "pk": need.pk}) if need.photo else None
    return {
        **_need_summary(need),
        "description": need.description,
        "latitude": None if need.latitude is None else str(need.latitude),
        "longitude": None if need.longitude is None else str(need.longitude),
        "photo": photo,
        "reported_at": need.reported_at,
        "projects": list(need.projects.order_by("pk").values_list("pk", flat=True)),
    }
