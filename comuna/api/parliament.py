"""A commune's (a city's) parliament, public like its page (spokespersons vote in the open):
``GET /api/v1/bodies/{slug}/parliament/``: every seat with whom it speaks for, its principal
and substitute; the members' instructions on its agenda items; its sessions; the matters its
members raised with their progress and deadline; its decided motions with the votes by name,
each beside the instruction carried and flagged when against it, and the ratifications the
members required with whether the decision binds each."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from comuna.api.access import PUBLIC, declare
from comuna.api.cycle_access import slug_path
from comuna.api.parliament_schemas import ParliamentOut
from comuna.api.schemas import label, problems
from comuna.federation import initiatives, parliament
from comuna.federation.models import Initiative
from comuna.territory.models import Body

router = Router(tags=["federation"])


def _holder(m) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"mandate": m.pk, "resident": str(m.resident), "since": m.starts_on}


@router.get(
    "/bodies/{slug}/parliament/",
    operation_id="parliament",
    summary="A commune's or city's parliament: seats, instructions, matters and votes by name",
    response={200: ParliamentOut, **problems(400, 404)},
    url_name="api-parliament",
)
@declare(PUBLIC)
def parliament_detail(request, slug: str = slug_path()):
    """404 for a body with no parliament."""
    body = get_object_or_404(Body, slug=slug)
    organ = parliament.parliament_of(body)
    if organ is None:
        raise Http404
    return {
        "body": body.slug,
        "organ": organ.name,
        "seats": [
            {
                "number": s["number"],
                "sector": label(s["sector"], s["seat"].get_sector_display()),
                "member": s["member"].slug if s["member"] else None,
                "label": s["label"],
                "principal": _holder(s["principal"]),
                "substitute": _holder(s["substitute"]),
            }
            for s in parliament.composition(organ)
        ],
        "instructions": [
            {
                "id": i.pk,
                "member": i.body.slug,
                "mandate": i.mandate_id,
                "matter": i.matter,
                "text": i.text,
                "position": label(i.position, i.get_position_display()),
                "status": label(i.status, i.get_status_display()),
                "item": i.item_id,
            }
            for i in parliament.instructions_of(organ)
        ],
        "sessions": [
            {
                "id": a.pk,
                "title": a.title,
                "starts_at": a.starts_at,
                "status": label(a.status, a.get_status_display()),
            }
            for a in parliament.sessions_of(body).order_by("-starts_at")
        ],
        "initiatives": [_initiative(i) for i in Initiative.objects.filter(body=body)],
        "decisions": [_decision(d) for d in parliament.decided_motions(organ)],
    }


def _initiative(i: Initiative) -> dict[str, Any]:
    found = initiatives.progress(i)
    return {
        "id": i.pk,
        "title": i.title,
        "description": i.description,
        "status": label(i.status, i.get_status_display()),
        "started_by": i.started_by.slug,
        "members": i.members,
        "threshold": i.threshold,
        "carried": found["carried"],
        "due_on": i.due_on,
        "overdue": i.is_overdue(),
        "item": i.item_id,
        "supports": [
            {
                "member": s.member.slug,
                "status": label(s.status, s.get_status_display()),
                "motion": s.motion_id,
            }
            for s in found["supports"]
        ],
    }


def _decision(d: dict[str, Any]) -> dict[str, Any]:
    m = d["motion"]
    return {
        "motion": m.pk,
        "session": d["session"].pk,
        "item": m.item_id,
        "text": m.text,
        "outcome": label(m.outcome, m.get_outcome_display()),
        "votes_for": m.votes_for,
        "votes_against": m.votes_against,
        "abstentions": m.abstentions,
        "decided_at": m.decided_at,
        "votes": [
            {
                "mandate": v.mandate_id,
                "resident": str(v.mandate.resident),
                "member": v.mandate.seat.member.slug
                if v.mandate.seat_id and v.mandate.seat.member_id
                else None,
                "vote": label(v.vote, v.get_vote_display()),
                "instruction": v.instruction_id,
                "instruction_position": v.instruction.position if v.instruction_id else None,
                "against_instruction": v.against_instruction,
            }
            for v in d["votes"]
        ],
        "ratifications": [
            {
                "member": r["member"].slug,
                "status": label(r["ratification"].status, r["ratification"].get_status_display()),
                "binding": r["binding"],
                "motion": r["ratification"].motion_id,
            }
            for r in d["ratifications"]
        ],
    }
