"""API of issue 13's communal cycle (cycle_projects): a body's projects, for anyone when the
statute's ``cycle_public`` says so (the body's members otherwise: 401 for a visitor, 403 for a
stranger), each with its needs, cost items, status, revision and every review with its reason.
Lists are paginated with ``after`` (the last id read) and ``limit``; a project of another body
is not found (404)."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from comuna import rows
from comuna.api import project_schemas as out
from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.schemas import page_by_id, problems
from comuna.cycles.models import Need, Project, ProjectStatus

router = Router(tags=["cycle"])

FOUND = problems(400, 401, 403, 404)
CENT = Decimal("0.01")

ProjectStatusCode = enum.StrEnum(
    "ProjectStatusCode", {code.upper(): code for code in ProjectStatus.values}
)


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def _committee(organ) -> dict[str, Any] | None:
    return None if organ is None else {"id": organ.pk, "name": organ.name}


def _summary(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "cycle": project.cycle_id,
        "title": project.title,
        "needs": [n.pk for n in project.needs.all()],
        "category": project.category,
        "committee": _committee(project.committee),
        "cost": _money(project.cost),
        "status": {"code": project.status, "label": str(project.get_status_display())},
        "revision": project.revision,
    }


def _detail(project: Project) -> dict[str, Any]:
    return {
        **_summary(project),
        "description": project.description,
        "proposing_committee": _committee(project.proposing_committee),
        "place": project.place,
        "latitude": None if project.latitude is None else str(project.latitude),
        "longitude": None if project.longitude is None else str(project.longitude),
        "items": [
            {
                "description": i.description,
                "quantity": _money(i.quantity),
                "unit_cost": _money(i.unit_cost),
                "subtotal": _money(i.quantity * i.unit_cost),
            }
            for i in project.items.all()
        ],
        "reviews": [
            {
                "id": r.pk,
                "revision": r.revision,
                "decision": {"code": r.decision, "label": str(r.get_decision_display())},
                "reason": r.reason,
                "reviewed_at": r.reviewed_at,
            }
            for r in project.reviews.all()
        ],
        "created_at": project.created_at,
    }


def _projects():
    return Project.objects.select_related("committee", "proposing_committee").prefetch_related(
        Prefetch("needs", queryset=Need.objects.order_by("pk").only("pk"))
    )


@router.get(
    "/bodies/{slug}/projects/",
    operation_id="cycle_projects",
    summary="A body's projects",
    response={200: out.ProjectList, **FOUND},
    url_name="api-projects",
)
@declare(PUBLIC)
def project_list(
    request,
    slug: str = slug_path(),
    cycle: Annotated[
        int | None, Query(ge=0, le=rows.MAX_ID, description="Only the projects of this cycle.")
    ] = None,
    status: Annotated[
        ProjectStatusCode | None, Query(description="Only the projects in this status.")
    ] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last project id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's projects, by id: cycle, title, the needs they answer, committee, cost,
    status and revision."""
    body = readable_body(request, slug)
    found = _projects().filter(cycle__body=body, pk__gt=after)
    if cycle is not None:
        found = found.filter(cycle_id=cycle)
    if status is not None:
        found = found.filter(status=status)
    return page_by_id(found.order_by("pk"), limit, _summary)


@router.get(
    "/bodies/{slug}/projects/{project_id}/",
    operation_id="cycle_project",
    summary="A project: its needs, cost items, status and reviews",
    response={200: out.ProjectDetail, **FOUND},
    url_name="api-project",
)
@declare(PUBLIC)
def project_detail(
    request,
    slug: str = slug_path(),
    project_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Project id."),
):
    """Everything the project's page shows: description, needs answered, category, the
    responsible and proposing committees, place and point, the cost (a string, exact) and its
    items, status, revision, and every review of the executive unit with its reason."""
    body = readable_body(request, slug)
    project = get_object_or_404(
        _projects().prefetch_related("items", "reviews"), pk=project_id, cycle__body=body
    )
    return _detail(project)
