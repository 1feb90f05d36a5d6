"""A body's participatory budgets, for anyone when the statute's ``cycle_public`` says so (its
members otherwise: 401 for a visitor, 403 for a stranger): the list, one budget with its
districts, projects, the funded ids as in its ``.pb`` file (after the deviations the assembly
carried), why each project was or was not funded, the comparison with other rules, and the
budget as a ``.pb`` file (``?district=<id>`` for a budget of several districts; without it,
400 naming them). Lists are paginated with ``after`` (the last id read) and ``limit``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from comuna import rows
from comuna.api import budget_schemas as out
from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.errors import Invalid
from comuna.api.schemas import label, page_by_id, problems
from comuna.cycles import budgets
from comuna.cycles.models import Budget, BudgetStatus
from comuna.voting.names import rule_name

router = Router(tags=["cycle"])

FOUND = problems(400, 401, 403, 404)


def _id():
    return Path(..., ge=0, le=rows.MAX_ID, description="Budget id.")


def _funded(budget: Budget) -> list[str]:
    return budgets.funded(budget) if budget.status == BudgetStatus.COUNTED else []


def _summary(budget: Budget) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "title": budget.title,
        "cycle": budget.cycle_id,
        "rule": budget.rule,
        "rule_name": rule_name(budget.rule),
        "budget": budget.amount,
        "currency": budget.currency,
        "ballot_kind": label(budget.ballot_kind, budget.get_ballot_kind_display()),
        "status": label(budget.status, budget.get_status_display()),
        "districts": budget.districts.count(),
        "funded": _funded(budget),
    }


@router.get(
    "/bodies/{slug}/budgets/",
    operation_id="cycles_budgets",
    summary="A body's participatory budgets",
    response={200: out.BudgetList, **FOUND},
    url_name="api-budgets",
)
@declare(PUBLIC)
def budget_list(
    request,
    slug: str = slug_path(),
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last budget id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's budgets, by id: rule, amount, ballot, status and the funded ids."""
    body = readable_body(request, slug)
    return page_by_id(
        Budget.objects.filter(body=body, pk__gt=after).order_by("pk"), limit, _summary
    )


def _voters(body) -> dict[str, str] | None:
    return None if body is None else {"slug": body.slug, "name": body.name}


def _overall(budget: Budget, found) -> dict[str, Any]:
    whole = budgets.overall(budget, found)
    return {
        "amount": whole.amount,
        "spent": whole.spent,
        "left": whole.left,
        "funded": whole.funded,
        "projects": whole.projects,
        "per_member": [
            {
                "body": _voters(origin.body),
                "cost": origin.cost,
                "funded": [p.entry.key for p in origin.projects],
            }
            for origin in whole.origins
        ],
    }


def _budget(request, slug: str, budget_id: int) -> Budget:
    body = readable_body(request, slug)
    budget = Budget.objects.filter(body=body, pk=budget_id).first()
    if budget is None:
        raise Http404
    budget.body = body
    return budget


@router.get(
    "/bodies/{slug}/budgets/{budget_id}/",
    operation_id="cycles_budget",
    summary="A participatory budget",
    response={200: out.BudgetDetail, **FOUND},
    url_name="api-budget",
)
@declare(PUBLIC)
def budget_detail(request, slug: str = slug_path(), budget_id: int = _id()):
    """A budget: its settings, its districts with their projects (ids as in the .pb file),
    once counted the funded ids, why each project was or was not funded (in the reader's
    language), what the other rules fund on the same ballots, and the deviations with the
    assembly's decision."""
    budget = _budget(request, slug, budget_id)
    counted = budget.status == BudgetStatus.COUNTED
    found_outcome = budgets.outcome(budget) if counted else []
    explained = {d.district.pk: d for d in found_outcome}
    now = set(_funded(budget))
    districts = []
    for district in budget.districts.select_related("poll", "voters_body"):
        found = explained.get(district.pk)
        whys = {p.entry.key: p for p in found.projects} if found else {}
        entries = district.entries.select_related("project")
        options = {o.key: o for o in budgets._options(district)}
        projects = []
        for entry in entries:
            option = options.get(entry.key)
            why = whys.get(entry.key)
            projects.append(
                {
                    "id": entry.key,
                    "project": entry.project_id,
                    "title": option.label
                    if option
                    else (entry.project.title if entry.project else entry.key),
                    "cost": option.cost if option else None,
                    "votes": why.votes if why else None,
                    "funded": (entry.key in now) if counted else None,
                    "why": why.sentences if why else [],
                }
            )
        districts.append(
            {
                "id": district.pk,
                "name": district.name,
                "amount": district.amount,
                "voters_body": _voters(district.voters_body),
                "funded": list((district.poll.result or {}).get("winners", []))
                if counted and district.poll
                else [],
                "projects": projects,
                "comparison": {c.rule: (c.funded if c.applicable else None) for c in found.columns}
                if found
                else {},
            }
        )
    return {
        **_summary(budget),
        "constraints": {
            "min_projects": budget.min_projects,
            "max_projects": budget.max_projects,
            "max_cost": budget.max_cost,
            "max_points": budget.max_points,
        },
        "districts": districts,
        "overall": _overall(budget, found_outcome) if counted else None,
        "deviations": [
            {
                "id": d.pk,
                "project": d.entry.key,
                "change": label(d.change, d.get_change_display()),
                "reason": d.reason,
                "status": label(d.status, d.get_status_display()),
                "assembly": d.item.assembly_id if d.item_id else None,
                "motion": d.motion_id,
            }
            for d in budget.deviations.select_related("entry", "item")
        ],
    }


@router.get(
    "/bodies/{slug}/budgets/{budget_id}/export.pb",
    operation_id="cycles_budget_export",
    summary="A participatory budget as a Pabulib file",
    response=FOUND,
    url_name="api-budget-export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The budget (one district) as a .pb file.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
)
@declare(PUBLIC)
def budget_export(
    request,
    slug: str = slug_path(),
    budget_id: int = _id(),
    district: int | None = Query(None, ge=0, le=rows.MAX_ID, description="The district's id."),
):
    """The budget as a ``.pb`` file; a budget of several districts, one district at a time."""
    budget = _budget(request, slug, budget_id)
    found = list(budget.districts.select_related("poll"))
    if district is not None:
        chosen = next((d for d in found if d.pk == district), None)
        if chosen is None:
            raise Http404
    elif len(found) == 1:
        chosen = found[0]
    else:
        names = "; ".join(f"{d.name}: ?district={d.pk}" for d in found)
        message = _("This budget has several districts; export one at a time: %(names)s") % {
            "names": names
        }
        raise Invalid(message, [{"field": "district", "message": message}])
    response = HttpResponse(
        budgets.export_pb(budget, chosen), content_type="text/plain; charset=utf-8"
    )
    name = f"budget-{budget.pk}" + (f"-{chosen.pk}" if len(found) > 1 else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.pb"'
    return response
