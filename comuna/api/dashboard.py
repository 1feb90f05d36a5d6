"""The dashboard of a commune or a communal city, as its page shows it:
``GET /api/v1/bodies/{slug}/dashboard/``. Public when the body's statute makes its cycle
public, for its members otherwise (401 for a visitor, 403 for a stranger); 404 for a council
(it has no dashboard) or a body that does not exist."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from ninja import Router

from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.dashboard_schemas import DashboardOut
from comuna.api.schemas import label, problems
from comuna.cycles.models import NeedCategory, ProjectStatus
from comuna.federation import dashboard
from comuna.federation.dashboard import Figure, Row

router = Router(tags=["federation"])

DESCRIPTION = """Needs (by category), projects (by status), funded projects under way and done,
money allocated, received and spent per currency (exact decimals as strings, never added across
currencies), counted polls, and counts of people (`registered`: on the electoral register
today; `reporters`: who reported needs; `ballots`: counted in the counted polls; `eligible`:
voters on those polls' registers) with the `turnout` (ballots over eligible): for the body in
`total`, and in `total.members` for its own figures (`own: true`) and for each member, whose
own `members` are theirs (a city's communes list their councils).

**Suppressed counts.** A count of people below `min_count` (the largest
`dashboard_min_count` among the statutes of the federation's communes and cities, default 5:
the whole federation is suppressed as one table, so a commune's dashboard and its city's hide
the same figures) is `{"value": null, "suppressed": true}`; so is a second count
of a sum (a row is the sum of its `members`) wherever one suppressed count could otherwise be
worked out as the total less the others (complementary suppression); and so is a turnout whose
ballots or register is suppressed. `{"value": null, "suppressed": false}` means there is
nothing to count (no counted poll). A suppressed figure's number is in no field.

A member whose statute keeps its communal cycle to its members (`withheld`) counts in no
figure, total or row."""


def _figure(f: Figure) -> dict[str, Any]:
    value = str(f.value) if isinstance(f.value, Decimal) else f.value
    return {"value": value, "suppressed": f.suppressed}


def _row(r: Row) -> dict[str, Any]:
    return {
        "body": r.body.slug,
        "name": r.body.name,
        "kind": label(r.body.kind, r.body.get_kind_display()),
        "own": r.own,
        "withheld": r.withheld,
        "needs": r.needs,
        "needs_by_category": [
            {"code": c, "label": str(name), "count": r.needs_by_category[c]}
            for c, name in NeedCategory.choices
            if c in r.needs_by_category
        ],
        "projects": r.projects_total,
        "projects_by_status": [
            {"code": s, "label": str(name), "count": r.projects[s]}
            for s, name in ProjectStatus.choices
            if s in r.projects
        ],
        "under_way": r.under_way,
        "done": r.done,
        "abandoned": r.abandoned,
        "money": [
            {
                "currency": m.currency,
                "allocated": str(m.allocated),
                "received": str(m.received),
                "spent": str(m.spent),
            }
            for m in r.money
        ],
        "polls": r.polls,
        "registered": _figure(r.register),
        "reporters": _figure(r.reporters),
        "ballots": _figure(r.ballots),
        "eligible": _figure(r.eligible),
        "turnout": _figure(r.turnout),
        "members": [_row(m) for m in r.members],
    }


@router.get(
    "/bodies/{slug}/dashboard/",
    operation_id="dashboard",
    summary="A commune's or city's dashboard, rolled up from its councils",
    description=DESCRIPTION,
    response={200: DashboardOut, **problems(400, 401, 403, 404)},
    url_name="api-dashboard",
)
@declare(PUBLIC)
def dashboard_detail(request, slug: str = slug_path()):
    body = readable_body(request, slug)
    if not dashboard.has_dashboard(body):
        raise Http404
    board = dashboard.dashboard(body)
    return {
        "body": body.slug,
        "on": board.on,
        "min_count": board.min_count,
        "currencies": board.currencies,
        "withheld": [b.slug for b in board.withheld],
        "total": _row(board.total),
    }
