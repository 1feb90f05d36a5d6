"""A body's assemblies, for its members: each with its agenda, its quorum under the register
frozen at convening, its decisions as the ledger records them, and its minutes' hash once
sealed.

Quorum and presence are read with ``comuna.assemblies.attendance.quorum()``, the function the
assembly's page uses; a decision is a decided motion with the counts, those present and the
quorum its ``assembly.decision`` entry recorded, and that entry's place in the body's chain.
Codes (a status, a call, a majority, a method, an outcome) come with their label in the
reader's language. The list is paginated with ``after`` (the last id read) and ``limit``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

from django.db.models import Prefetch
from ninja import Path, Query, Router, Schema
from pydantic import Field

from comuna import rows
from comuna.api.access import Permission, declare, find, user_of
from comuna.api.auth import AUTH
from comuna.api.schemas import Label, LedgerRef, label, problems
from comuna.assemblies import attendance
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Attendance,
    MinutesStatus,
    Motion,
    Outcome,
    Status,
)
from comuna.assemblies.rules import AssemblyAction
from comuna.ledger import entries
from comuna.territory.models import Body
from comuna.territory.permissions import can

router = Router(tags=["assemblies"], auth=AUTH)

SLUG = r"^[-a-zA-Z0-9_]+$"  # what Django's slug converter accepts

# --- schemas (names unique across the API: OpenAPI components are named after them) --------


class AssemblyAgendaItem(Schema):
    id: int
    position: int
    text: str
    description: str
    majority: Label = Field(description="The kind of decision the item asks for.")
    withdrawn: bool = Field(description="Withdrawn by an amendment of the agenda; kept, marked.")
    petition: int | None = Field(description="The id of the petition that put it on the agenda.")


class AssemblyDecision(Schema):
    """A decided motion, with what its ``assembly.decision`` ledger entry records."""

    id: int = Field(description="The motion's id.")
    item: int = Field(description="The id of its agenda item.")
    amends: int | None = Field(description="The motion it amends (decided before it).")
    text: str
    method: Label = Field(description="hands, secret or merged.")
    majority: Label = Field(description="The majority its item asks for.")
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    present: int | None = Field(description="People present when it was decided.")
    quorum_required: int | None = Field(description="The quorum under the call of that moment.")
    outcome: Label = Field(description="carried or rejected.")
    statute_version: int = Field(description="The statute version the majority was read from.")
    poll: int | None = Field(description="The id of its secret ballot (a poll), if any.")
    decided_at: datetime | None
    ledger_seq: int | None = Field(description="The sequence number of its ledger entry.")
    recorded_in: LedgerRef | None = Field(
        description="Its `assembly.decision` entry in the body's chain (null if missing)."
    )


class AssemblyDetail(Schema):
    id: int
    title: str
    description: str
    status: Label = Field(description="convened, in_session, ended or failed (without quorum).")
    starts_at: datetime
    place: str
    online_url: str | None = Field(description="The link of a hybrid session; null if none.")
    convened_by: Label = Field(description="coordination or petition.")
    petition: int | None = Field(description="The id of the petition that convened it.")
    call: Label = Field(description="first or second: the call the session is under.")
    second_call_at: datetime = Field(description="When the second call may be made.")
    register_size: int = Field(description="Voters on the register frozen at convening.")
    quorum_required: int = Field(description="People present needed under the current call.")
    present: int = Field(
        description="People present: the attendance sheet's count when one was entered, else "
        "those recorded at the door or checked in online."
    )
    quorum_met: bool
    statute_version: int = Field(description="The statute version in force at convening.")
    opened_at: datetime | None
    quorum_met_at: datetime | None
    ended_at: datetime | None
    agenda: list[AssemblyAgendaItem] = Field(description="In the agenda's order.")
    decisions: list[AssemblyDecision] = Field(description="Decided motions, in the order decided.")
    minutes_status: Label | None = Field(description="Null while no minutes are drafted.")
    minutes_sha256: str | None = Field(
        description="The SHA-256 of the sealed minutes' HTML download, as the ledger records "
        "it; null until sealed."
    )


class AssemblyList(Schema):
    items: list[AssemblyDetail] = Field(description="Assemblies ordered by id.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


# the phases a list may be filtered by: an enum of its own name, as the polls' ``Status``
# would otherwise give its name (an OpenAPI component) to both
AssemblyStatus = enum.StrEnum("AssemblyStatus", {code.upper(): code for code in Status.values})


# --- reading -------------------------------------------------------------------------------


def _assemblies(body: Body):
    """The body's assemblies with everything the answer reads, in a fixed number of queries."""
    return (
        Assembly.objects.filter(body=body)
        .select_related("statute", "minutes")
        .prefetch_related(
            # attendance.quorum() counts these, by mode
            Prefetch("attendances", queryset=Attendance.objects.only("pk", "assembly_id", "mode")),
            Prefetch("items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch(
                "items__motions",
                queryset=Motion.objects.exclude(outcome=Outcome.PENDING),
                to_attr="decided",
            ),
        )
    )


def _entries(body: Body, assemblies: list[Assembly]) -> dict[int, Any]:
    """The ledger entries of the decisions of ``assemblies``, by sequence number."""
    seqs = {
        motion.decision_entry
        for assembly in assemblies
        for item in assembly.items.all()
        for motion in item.decided
        if motion.decision_entry is not None
    }
    if not seqs:
        return {}
    found = entries(body.ledger_chain).filter(seq__in=seqs, kind="assembly.decision")
    return {entry.seq: entry for entry in found}


def _decision(assembly: Assembly, item: AgendaItem, motion: Motion, recorded) -> dict[str, Any]:
    entry = recorded.get(motion.decision_entry)
    return {
        "id": motion.pk,
        "item": item.pk,
        "amends": motion.amends_id,
        "text": motion.text,
        "method": label(motion.method, motion.get_method_display()),
        "majority": label(item.majority, item.get_majority_display()),
        "votes_for": motion.votes_for,
        "votes_against": motion.votes_against,
        "abstentions": motion.abstentions,
        "present": motion.present,
        "quorum_required": motion.quorum_required,
        "outcome": label(motion.outcome, motion.get_outcome_display()),
        "statute_version": assembly.statute.number,
        "poll": motion.poll_id,
        "decided_at": motion.decided_at,
        "ledger_seq": motion.decision_entry,
        "recorded_in": {"seq": entry.seq, "hash": entry.hash} if entry is not None else None,
    }


def _minutes(assembly: Assembly):
    try:
        return assembly.minutes
    except Assembly.minutes.RelatedObjectDoesNotExist:
        return None


def _assembly(assembly: Assembly, recorded: dict[int, Any]) -> dict[str, Any]:
    quorum = attendance.quorum(assembly)
    items = list(assembly.items.all())
    decided = sorted(
        ((item, motion) for item in items for motion in item.decided),
        key=lambda pair: (pair[1].decision_entry or 0, pair[1].pk),
    )
    minutes = _minutes(assembly)
    sealed = minutes is not None and minutes.status == MinutesStatus.SEALED
    return {
        "id": assembly.pk,
        "title": assembly.title,
        "description": assembly.description,
        "status": label(assembly.status, assembly.get_status_display()),
        "starts_at": assembly.starts_at,
        "place": assembly.place,
        "online_url": assembly.online_url or None,
        "convened_by": label(assembly.convened_by, assembly.get_convened_by_display()),
        "petition": assembly.petition_id,
        "call": label(assembly.call, assembly.get_call_display()),
        "second_call_at": quorum.second_call_at,
        "register_size": quorum.register_size,
        "quorum_required": quorum.required,
        "present": quorum.present,
        "quorum_met": quorum.met,
        "statute_version": assembly.statute.number,
        "opened_at": assembly.opened_at,
        "quorum_met_at": assembly.quorum_met_at,
        "ended_at": assembly.ended_at,
        "agenda": [
            {
                "id": item.pk,
                "position": item.position,
                "text": item.text,
                "description": item.description,
                "majority": label(item.majority, item.get_majority_display()),
                "withdrawn": item.withdrawn,
                "petition": item.petition_id,
            }
            for item in items
        ],
        "decisions": [_decision(assembly, item, motion, recorded) for item, motion in decided],
        "minutes_status": (
            None if minutes is None else label(minutes.status, minutes.get_status_display())
        ),
        "minutes_sha256": (minutes.sha256 or None) if sealed else None,
    }


def _visible(user, body: Body) -> list[str]:
    """The phases of the body's assemblies ``user`` may see, as ``can()`` says for each."""
    return [
        status
        for status in Status.values
        if can(user, AssemblyAction.VIEW, Assembly(body=body, status=status))
    ]


# --- endpoints -----------------------------------------------------------------------------


def _slug():
    return Path(
        ..., pattern=SLUG, max_length=80, description="The body's short name, as in its address."
    )


@router.get(
    "/bodies/{slug}/assemblies/",
    operation_id="assemblies_list",
    summary="A body's assemblies",
    response={200: AssemblyList, **problems(400, 401, 403, 404)},
    url_name="api-assemblies",
)
@declare(Permission(AssemblyAction.VIEW, Body))
def assemblies_list(
    request,
    slug: str = _slug(),
    status: Annotated[
        AssemblyStatus | None,
        Query(
            description="Only the assemblies in this phase: convened, in_session, ended, failed."
        ),
    ] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last assembly id read."),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's assemblies, by id, for its members: coming (convened), in session, past
    (ended) and failed for lack of quorum."""
    body = find(request, slug, AssemblyAction.VIEW)
    phases = _visible(user_of(request), body)
    if status is not None:
        phases = [p for p in phases if p == status]
    found = list(
        _assemblies(body).filter(status__in=phases, pk__gt=after).order_by("pk")[: limit + 1]
    )
    page = found[:limit]
    recorded = _entries(body, page)
    return {
        "items": [_assembly(a, recorded) for a in page],
        "next_after": page[-1].pk if len(found) > limit else None,
    }


@router.get(
    "/bodies/{slug}/assemblies/{assembly_id}/",
    operation_id="assembly_detail",
    summary="An assembly",
    response={200: AssemblyDetail, **problems(400, 401, 403, 404)},
    url_name="api-assembly",
)
@declare(Permission(AssemblyAction.VIEW, Assembly))
def assembly_detail(
    request, slug: str = _slug(), assembly_id: int = Path(..., description="Assembly id.")
):
    """An assembly: its agenda, quorum, decisions and minutes' hash, as in the list."""
    body, found = find(request, slug, AssemblyAction.VIEW, Assembly, assembly_id)
    assembly = _assemblies(body).get(pk=found.pk)
    return _assembly(assembly, _entries(body, [assembly]))
