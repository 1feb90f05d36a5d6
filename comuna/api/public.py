"""The public endpoints: what the web pages publish to anyone, logged in or not.

Each answers with the data its page shows, read with the same functions: the federation and a
body's page (``web.views.body_detail``), a poll and its results (``web.polls.poll_results``,
through ``voting.checks.recorded_result``), the anonymised ballots of a closed poll
(``voting.tally``, as the ``ballots.json`` download), and the ledger (``web.views.ledger_export``
and ``ledger_head_json``). A poll that is not closed is seen only by those its page is for
(``voting.view`` through ``can()``); to anyone else it does not exist (404). Lists are paginated
with ``after`` (the last key read) and ``limit``, bounded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import HttpError

from comuna import rows
from comuna.api import schemas
from comuna.api.access import PUBLIC, declare, user_of
from comuna.api.errors import Conflict
from comuna.api.schemas import label
from comuna.ledger import entries
from comuna.ledger import head as ledger_head
from comuna.ledger.hashing import utc_text
from comuna.ledger.signing import KeyFileError, head_document
from comuna.territory import census, statutes
from comuna.territory.models import Body, Resident, StatuteVersion
from comuna.territory.permissions import can
from comuna.territory.rules import Action
from comuna.voting import checks, tally, turnout
from comuna.voting.explain import explain
from comuna.voting.models import Poll, Status
from comuna.voting.names import rule_description, rule_name
from comuna.voting.rules import PollAction

router = Router(tags=["public"])

SLUG = r"^[-a-zA-Z0-9_]+$"  # what Django's slug converter accepts
MAX_SEQ = rows.MAX_ID

# the errors every operation may answer, besides its own (401: a token sent, and refused)
FOUND = schemas.problems(400, 401, 404)


def _slug(description: str = "The body's short name, as in its page's address."):
    return Path(..., pattern=SLUG, max_length=80, description=description)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- bodies --------------------------------------------------------------------------------


@router.get(
    "/bodies/",
    operation_id="bodies_list",
    summary="The federation tree",
    response={200: schemas.BodyList, **schemas.problems(400, 401)},
)
@declare(PUBLIC)
def public_bodies(
    request,
    after: str = Query(
        "", pattern=r"^[-a-zA-Z0-9_]*$", max_length=80, description="The last slug read."
    ),
    limit: int = Query(100, ge=1, le=1000),
):
    """The federation tree: every body with its kind, the body it is federated into and its
    member bodies, ordered by slug."""
    found = list(
        Body.objects.filter(slug__gt=after)
        .select_related("parent")
        .only("slug", "name", "kind", "parent__slug")
        .order_by("slug")[: limit + 1]
    )
    page = found[:limit]
    members: dict[int, list[str]] = {b.pk: [] for b in page}
    for parent, slug in (
        Body.objects.filter(parent__in=page).order_by("slug").values_list("parent_id", "slug")
    ):
        members[parent].append(slug)
    return {
        "items": [_node(b, members[b.pk]) for b in page],
        "next_after": page[-1].slug if len(found) > limit else None,
    }


def _node(body: Body, members: list[str]) -> dict[str, Any]:
    return {
        "slug": body.slug,
        "name": body.name,
        "kind": label(body.kind, body.get_kind_display()),
        "parent": body.parent.slug if body.parent_id else None,
        "member_bodies": members,
    }


@router.get(
    "/bodies/{slug}/",
    operation_id="body_detail",
    summary="A body",
    response={200: schemas.BodyDetail, **FOUND},
)
@declare(PUBLIC)
def public_body(request, slug: str = _slug()):
    """A body's public page: its statute in force, organs and current spokespersons, its ledger
    head; its members also get the census figures."""
    body = get_object_or_404(Body.objects.select_related("parent"), slug=slug)
    statute = statutes.current(body)
    organs = census.organs_with_spokespersons(body)
    member = can(user_of(request), Action.VIEW_BODY, body)
    head = ledger_head(body.ledger_chain)
    return {
        **_node(body, list(body.children.order_by("slug").values_list("slug", flat=True))),
        "territory": body.territory,
        "description": body.description,
        "statute": _statute(statute),
        "organs": [
            {**_organ(o), "committees": [_organ(c) for c in o.committees.all()]} for o in organs
        ],
        "residents": (
            Resident.objects.filter(body_id__in=body.descendant_ids()).count() if member else None
        ),
        "voters": census.register(body).count() if member else None,
        "ledger": {"seq": head.seq, "hash": head.hash} if head else None,
    }


def _statute(version: StatuteVersion) -> dict[str, Any]:
    profile = statutes.PROFILES.get(version.profile, {}).get("label", version.profile)
    field = StatuteVersion._meta.get_field

    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    return {
        "version": version.number,
        "profile": label(version.profile, profile),
        "adopted_at": version.created_at,
        "settings": statutes.settings_of(version),
        "overrides": [
            {
                "setting": key,
                "label": str(field(key).verbose_name),
                "profile_value": plain(was),
                "value": plain(now),
            }
            for key, (was, now) in statutes.overrides(version).items()
        ],
    }


def _organ(organ) -> dict[str, Any]:
    return {
        "name": organ.name,
        "kind": label(organ.kind, organ.get_kind_display()),
        "seats": organ.seats,
        "spokespersons": [
            {"name": str(m.resident), "kind": label(m.kind, m.get_kind_display())}
            for m in organ.mandates.all()
        ],
    }


# --- polls ---------------------------------------------------------------------------------


def _visible(user, body: Body) -> list[str]:
    """The phases of the body's polls ``user`` may see: closed polls are public (their results
    page is), the others as ``can()`` says for a poll of that phase."""
    return [
        status
        for status in Status.values
        if status == Status.CLOSED or can(user, PollAction.VIEW, Poll(body=body, status=status))
    ]


def _poll(request, slug: str, poll_id: int) -> Poll:
    """The poll, if the caller may see it; else 404, as for a poll that does not exist."""
    poll = rows.with_body(Poll, poll_id, slug, Body)
    if poll is None:
        raise Http404
    if poll.status != Status.CLOSED and not can(user_of(request), PollAction.VIEW, poll):
        raise Http404
    return poll


def _summary(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "title": poll.title,
        "status": label(poll.status, poll.get_status_display()),
        "method": label(poll.method, poll.get_method_display()),
        "rule": {
            "code": poll.rule,
            "name": str(rule_name(poll.rule)),
            "description": str(rule_description(poll.rule)),
        },
        "seats": poll.seats,
        "opened_on": poll.opened_on,
        "closed_on": poll.closed_on,
        "closed_at": poll.closed_at,
    }


@router.get(
    "/bodies/{slug}/polls/",
    operation_id="polls_list",
    summary="A body's polls",
    response={200: schemas.PollList, **FOUND},
)
@declare(PUBLIC)
def public_polls(
    request,
    slug: str = _slug(),
    status: Annotated[Status | None, Query(description="Only the polls in this phase.")] = None,
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last poll id read."),
    limit: int = Query(50, ge=1, le=200),
):
    """A body's polls, by id: the closed ones for anyone, every phase for its members."""
    body = get_object_or_404(Body, slug=slug)
    visible = _visible(user_of(request), body)
    if status is not None:
        visible = [s for s in visible if s == status]
    found = list(
        Poll.objects.filter(body=body, status__in=visible, pk__gt=after).order_by("pk")[: limit + 1]
    )
    page = found[:limit]
    return {
        "items": [_summary(p) for p in page],
        "next_after": page[-1].pk if len(found) > limit else None,
    }


@router.get(
    "/bodies/{slug}/polls/{poll_id}/",
    operation_id="poll_detail",
    summary="A poll and its result",
    response={200: schemas.PollDetail, **FOUND},
)
@declare(PUBLIC)
def public_poll(request, slug: str = _slug(), poll_id: int = Path(..., description="Poll id.")):
    """A poll: its settings and options; its turnout; once closed, the result as the ledger
    records it, with its explanation (the engine's messages and the sentences of the results
    page) and the ``poll.closed`` entry that recorded it."""
    poll = _poll(request, slug, poll_id)
    options = list(poll.options.all())
    detail = {
        **_summary(poll),
        "description": poll.description,
        "min_choices": poll.min_choices,
        "max_choices": poll.max_choices,
        "max_points": poll.max_points,
        "budget": _text(poll.budget),
        "max_cost": _text(poll.max_cost),
        "allow_revote": poll.allow_revote,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "statute_version": poll.statute.number if poll.statute_id else None,
        "options": [
            {"key": o.key, "label": o.label, "description": o.description, "cost": _text(o.cost)}
            for o in options
        ],
        "turnout": None,
        "result": None,
        "result_withheld": None,
        "recorded_in": None,
    }
    if poll.status == Status.OPEN:
        detail["turnout"] = {
            "eligible": poll.voters.count(),
            "online": poll.voters.filter(has_voted=True).count(),
            "paper": None,
            "ballots": None,
            "share_pct": None,
        }
    elif poll.status == Status.CLOSED:
        detail.update(_closed(poll, options))
    return detail


def _closed(poll: Poll, options) -> dict[str, Any]:
    """What the results page shows of a closed poll, from the ledger's ``poll.closed`` entry."""
    result, entry = checks.recorded_result(poll)
    found: dict[str, Any] = {
        "recorded_in": {"seq": entry.seq, "hash": entry.hash} if entry is not None else None
    }
    # polls closed before turnout was recorded: the same figures, read from the database
    figures = (result or {}).get("turnout") or turnout.turnout(poll, tally.load(poll))
    found["turnout"] = {
        "eligible": figures["register"],
        "online": figures["online"],
        "paper": figures["paper"],
        "ballots": figures["ballots"],
        "share_pct": _text(turnout.share(figures)),
    }
    if result is None:
        found["result_withheld"] = _(
            "This result cannot be shown: the result stored for this poll does not agree with "
            "the one recorded in the ledger, or the ledger entry that records it is missing. The "
            "record may have been altered; the electoral commission can check it with “comuna "
            "ledger verify”."
        )
        return found
    said = explain(poll, options)
    found["result"] = {
        "rule": result.get("rule", poll.rule),
        "winners": result["winners"],
        "tally": result["tally"],
        "ballots": result["ballots"],
        "cost": result.get("cost"),
        "rounds": result.get("rounds"),
        "turnout": found["turnout"],
        "quorum": result.get("quorum"),
        "explanation": result.get("explanation") or [],
        "explained": {
            "general": said.general,
            "options": [
                {
                    "key": why.option.key,
                    "label": why.option.label,
                    "won": why.won,
                    "status": why.status,
                    "sentences": why.sentences,
                }
                for why in said.options
            ],
            "rounds": said.rounds,
            "table": [
                {"key": option.key, "label": option.label, "votes": votes}
                for option, votes in said.table
            ],
            "legacy": said.legacy,
        },
    }
    return found


@router.get(
    "/bodies/{slug}/polls/{poll_id}/ballots",
    operation_id="poll_ballots",
    summary="A closed poll's anonymised ballots",
    response={200: schemas.Ballots, 409: schemas.Problem, **FOUND},
)
@declare(PUBLIC)
def public_poll_ballots(
    request,
    slug: str = _slug(),
    poll_id: int = Path(..., description="Poll id."),
    offset: int = Query(0, ge=0, le=rows.MAX_ID, description="Ballots to skip."),
    limit: int = Query(1000, ge=1, le=10000),
):
    """The anonymised ballots of a closed poll, in the published order (by receipt hash: an
    order that says nothing about time), with the paper totals: what the ``ballots.json``
    download publishes, enough to recount the result with any tool, and the digest of them
    the ``poll.closed`` entry recorded. 409 before closing."""
    poll = _poll(request, slug, poll_id)
    if poll.status != Status.CLOSED:
        raise Conflict(_("The ballots are published when the poll closes."))
    counted = tally.load(poll)
    ballots = tally.published_ballots(poll, counted)
    recorded = checks.closing_entry(poll)
    end = offset + limit
    return {
        "poll": poll.pk,
        "method": poll.method,
        "rule": poll.rule,
        "seats": poll.seats,
        # what the ledger recorded, not what these ballots give: the reader checks the one
        # against the other (and computing it here would read every ballot twice)
        "digest": recorded.data.get("digest") if recorded is not None else None,
        "count": len(ballots),
        "offset": offset,
        "next_offset": end if end < len(ballots) else None,
        "ballots": ballots[offset:end],
        "paper_totals": tally.published_totals(counted),
    }


# --- ledger --------------------------------------------------------------------------------


@router.get(
    "/bodies/{slug}/ledger/",
    operation_id="ledger_entries",
    summary="A body's ledger entries",
    response={200: schemas.LedgerPage, **FOUND},
)
@declare(PUBLIC)
def public_ledger(
    request,
    slug: str = _slug(),
    after: int = Query(0, ge=0, le=MAX_SEQ, description="The last sequence number read."),
    limit: int = Query(100, ge=1, le=1000),
):
    """The body's chain, in order: each entry with exactly the fields its hash covers, so
    anyone can recompute every hash and the chain up to the published head."""
    body = get_object_or_404(Body, slug=slug)
    chain = body.ledger_chain
    found = list(entries(chain).filter(seq__gt=after)[: limit + 1])
    page = found[:limit]
    head = ledger_head(chain)
    return {
        "chain": chain,
        "head": {"seq": head.seq, "hash": head.hash} if head else None,
        "items": [_entry(e) for e in page],
        "next_after": page[-1].seq if len(found) > limit else None,
    }


def _entry(e) -> dict[str, Any]:
    # the object whose canonical JSON the hash covers (see comuna.ledger.hashing), and the hash
    return {
        "actor": e.actor,
        "chain": e.chain,
        "kind": e.kind,
        "payload": e.data,
        "prev_hash": e.prev_hash,
        "recorded_at": utc_text(e.recorded_at),
        "seq": e.seq,
        "hash": e.hash,
    }


@router.get(
    "/bodies/{slug}/ledger/head",
    operation_id="ledger_head",
    summary="A body's signed ledger head",
    response={200: schemas.SignedHead, 503: schemas.Problem, **FOUND},
)
@declare(PUBLIC)
def public_ledger_head(request, slug: str = _slug()):
    """The chain's head signed with the body's key, as ``head.json`` publishes it."""
    body = get_object_or_404(Body, slug=slug)
    try:
        return head_document(body.ledger_chain, body.slug)
    except KeyFileError:
        # made only by `comuna ledger keys` or when the body is created: a read never writes
        raise HttpError(503, _("This body's signing key has not been made yet.")) from None
