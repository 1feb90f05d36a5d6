"""Founding referendums, public like their pages: ``GET .../bodies/{slug}/referendums/`` (those
the body hosts, is a member of, or was founded by) and ``GET .../bodies/{slug}/referendums/{id}/``
(its members and whether each joined, each member's poll and recorded count, the thresholds,
the charter and its sealed SHA-256, the merged result). A referendum is read from its host's,
a member's or the founded body's address; any other is not found (404). Counts only: never a
census row or a ballot."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Router

from comuna import rows
from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import slug_path
from comuna.api.referendum_schemas import ReferendumList, ReferendumOut
from comuna.api.schemas import label, problems
from comuna.federation import referendums as service
from comuna.federation.models import Referendum
from comuna.territory.models import Body

router = Router(tags=["federation"])

FOUND = problems(400, 404)
COUNTS = ("ballots", "yes", "no", "blank")


def _count(row: dict[str, Any]) -> dict[str, int]:
    return {"registered": row["register"], **{k: row[k] for k in COUNTS}}


def _body(body: Body | None) -> dict[str, str] | None:
    return None if body is None else {"slug": body.slug, "name": body.name}


def _summary(referendum: Referendum, slug: str) -> dict[str, Any]:
    return {
        "id": referendum.pk,
        "url": reverse("referendum", kwargs={"slug": slug, "pk": referendum.pk}),
        "name": referendum.name,
        "slug": referendum.slug,
        "kind": label(referendum.kind, referendum.get_kind_display()),
        "status": label(referendum.status, referendum.get_status_display()),
        "host": _body(referendum.host),
        "founded": _body(referendum.founded),
    }


@router.get(
    "/bodies/{slug}/referendums/",
    operation_id="federation_referendums",
    summary="A body's founding referendums",
    response={200: ReferendumList, **FOUND},
    url_name="api-referendums",
)
@declare(PUBLIC)
def referendum_list(request, slug: str = slug_path()):
    """Those the body hosts, is a member of, or was founded by; newest first."""
    body = get_object_or_404(Body, slug=slug)
    found = (
        Referendum.objects.filter(Q(host=body) | Q(places__member=body) | Q(founded=body))
        .select_related("host", "founded")
        .distinct()
    )
    return {"items": [_summary(r, slug) for r in found]}


@router.get(
    "/bodies/{slug}/referendums/{referendum_id}/",
    operation_id="federation_referendum",
    summary="A founding referendum: members, polls, thresholds, charter, merged count",
    response={200: ReferendumOut, **FOUND},
    url_name="api-referendum",
)
@declare(PUBLIC)
def referendum_detail(
    request,
    slug: str = slug_path(),
    referendum_id: int = Path(..., ge=0, le=rows.MAX_ID, description="Referendum id."),
):
    """What the referendum's page shows, for machines."""
    body = get_object_or_404(Body, slug=slug)
    referendum = get_object_or_404(
        Referendum.objects.select_related("host", "parent", "founded"), pk=referendum_id
    )
    places = service.places_of(referendum)
    if body.pk not in (referendum.host_id, referendum.founded_id) and body.pk not in {
        p.member_id for p in places
    }:
        raise Http404
    result = referendum.result or {}
    counts = {row["member"]: row for row in result.get("places", [])}
    return {
        **_summary(referendum, slug),
        "territory": referendum.territory,
        "parent": _body(referendum.parent),
        "question": referendum.question,
        "charter": referendum.charter,
        "charter_sha256": referendum.charter_sha256,
        "turnout_pct": None if referendum.turnout_pct is None else str(referendum.turnout_pct),
        "majority_pct": None if referendum.majority_pct is None else str(referendum.majority_pct),
        "opens_at": referendum.opens_at,
        "closes_at": referendum.closes_at,
        "counted_at": referendum.counted_at,
        "places": [
            {
                "member": _body(p.member),
                "joined": p.joined_at is not None,
                "joined_at": p.joined_at,
                "poll": p.poll_id,
                "poll_status": None
                if p.poll is None
                else label(p.poll.status, p.poll.get_status_display()),
                "count": _count(counts[p.member_id]) if p.member_id in counts else None,
            }
            for p in places
        ],
        "result": {
            "totals": _count(result["totals"]),
            "turnout_met": result["turnout_met"],
            "majority": result["majority"],
            "carried": result["carried"],
        }
        if result
        else None,
    }
