"""A body's mandates, for anyone: its seats and their holders, its elections (calendar,
candidates, objections, results with their explanation, mandates conferred), its recalls
(signatures against the threshold, report, vote, outcome, deadlines) and its spokespersons
(seat, term, instructions, votes by name, questions, accounts, open recall).

Seats, elections' results, recalls' progress and spokespersons' pages are public, as their
pages are (the base holds its spokespersons to account): the reads need no login. Nobody sees
who signed a recall petition, or who asked a question: only counts and texts. A resident signs
a petition and asks a spokesperson a question through the mandates' services
(``comuna.mandates.recall.sign``, ``comuna.mandates.accounting.ask``), which say why they
refuse (400; 409 when the object's phase refuses). Lists are paginated with ``after`` (the
last id read) and ``limit``; an object of another body is not found (404).

A mandate holds while ``starts_on <= day < ends_on``: a term ending today gives no power
today, and the seat shows its successor (or is vacant).
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from comuna import rows
from comuna.api import mandate_schemas as out
from comuna.api.access import PUBLIC, Permission, declare, find, user_of
from comuna.api.auth import AUTH
from comuna.api.errors import Conflict, Invalid
from comuna.api.schemas import label, page_by_id, problems
from comuna.mandates import accounting, deadlines
from comuna.mandates import recall as recall_service
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    AccountsReport,
    Candidate,
    Contest,
    Election,
    ElectionPhase,
    ElectionStatus,
    Instruction,
    NamedVote,
    Objection,
    ObjectionStatus,
    Question,
    Recall,
    RecallStatus,
)
from comuna.mandates.results import elected_by_seat
from comuna.mandates.rules import MandateAction, RecallAction
from comuna.mandates.seats import OrganSeats, seat_holders
from comuna.territory import statutes
from comuna.territory.models import Body, Counting, Mandate, MandateKind, Organ
from comuna.territory.permissions import allowed_roles, roles
from comuna.territory.services import substitute_for
from comuna.voting import checks
from comuna.voting.models import Status as PollStatus

router = Router(tags=["mandates"])

SLUG = r"^[-a-zA-Z0-9_]+$"  # what Django's slug converter accepts
FOUND = problems(400, 401, 404)
SEATED = (MandateKind.SPOKESPERSON, MandateKind.SUBSTITUTE)
OPEN_RECALL = (RecallStatus.COLLECTING, RecallStatus.REPORT, RecallStatus.VOTE)

# the phases and statuses a list may be filtered by, as enums of their own names (an OpenAPI
# component is named after its enum)
ElectionPhaseCode = enum.StrEnum(
    "ElectionPhaseCode", {code.upper(): code for code in ElectionPhase.values}
)
RecallStatusCode = enum.StrEnum(
    "RecallStatusCode", {code.upper(): code for code in RecallStatus.values}
)


def _slug():
    return Path(
        ..., pattern=SLUG, max_length=80, description="The body's short name, as in its address."
    )


def _id(what: str):
    return Path(..., ge=0, le=rows.MAX_ID, description=f"{what} id.")


def _after(what: str):
    return Query(0, ge=0, le=rows.MAX_ID, description=f"The last {what} id read.")


def _holder(mandate: Mandate | None) -> dict[str, Any] | None:
    if mandate is None:
        return None
    return {
        "mandate": mandate.pk,
        "name": str(mandate.resident),
        "starts_on": mandate.starts_on,
        "ends_on": mandate.ends_on,
    }


def _organ_ref(organ: Organ) -> dict[str, Any]:
    return {"id": organ.pk, "name": organ.name}


def _seat_number(mandate: Mandate) -> int | None:
    return mandate.seat.number if mandate.seat_id else None


# --- seats ---------------------------------------------------------------------------------


@router.get(
    "/bodies/{slug}/seats/",
    operation_id="mandates_seats",
    summary="A body's organs and their seats",
    response={200: out.Seats, **FOUND},
    url_name="api-seats",
)
@declare(PUBLIC)
def seats(request, slug: str = _slug()):
    """Every organ of the body (committees after their organ) with its declared seats: how
    they are elected, each seat's principal and substitute in force today (mandate id, name,
    term), the principal elected for a term starting later, and since when a seat with no
    principal is vacant; the statute's term of office and whether re-election is allowed."""
    body = get_object_or_404(Body, slug=slug)
    today = timezone.localdate()
    statute = statutes.current(body)
    return {
        "on": today,
        "statute_version": statute.number,
        "term_years": statute.term_years,
        "reelection_allowed": statute.reelection_allowed,
        "organs": [_seat_organ(held) for held in seat_holders(body, today)],
    }


def _seat_organ(held: OrganSeats) -> dict[str, Any]:
    """An organ's seats as the seats page reads them (``seats.seat_holders``)."""
    organ = held.organ
    return {
        "id": organ.pk,
        "name": organ.name,
        "kind": label(organ.kind, organ.get_kind_display()),
        "part_of": organ.parent_id,
        "counting": label(organ.counting, Counting(organ.counting).label),
        "seats": [
            {
                "number": h.seat.number,
                "principal": _holder(h.principal),
                "substitute": _holder(h.substitute),
                "incoming": _holder(h.incoming),
                "vacant_since": h.vacant_since,
            }
            for h in held.seats
        ],
        "unseated": [
            {**_holder(m), "kind": label(m.kind, m.get_kind_display())} for m in held.unseated
        ],
    }


# --- elections -----------------------------------------------------------------------------


def _in_phase(phase: str, today: date) -> Q:
    """The elections in ``phase`` today: by the calendar while scheduled (as
    :meth:`Election.phase` reads it), else by the stored status."""
    scheduled = Q(status=ElectionStatus.SCHEDULED)
    calendar = {
        ElectionPhase.CONVENED: Q(candidacy_opens__gt=today),
        ElectionPhase.CANDIDACY: Q(candidacy_opens__lte=today, candidacy_closes__gte=today),
        ElectionPhase.OBJECTIONS: Q(candidacy_closes__lt=today, objections_close__gte=today),
        ElectionPhase.CAMPAIGN: Q(objections_close__lt=today),
    }
    if phase in calendar:
        return scheduled & calendar[phase]
    return Q(status=phase)


def _election_summary(election: Election) -> dict[str, Any]:
    phase = election.phase()
    return {
        "id": election.pk,
        "title": election.title,
        "phase": label(phase, ElectionPhase(phase).label),
        "calendar": {
            "candidacy_opens": election.candidacy_opens,
            "candidacy_closes": election.candidacy_closes,
            "objections_close": election.objections_close,
            "vote_on": election.vote_on,
            "term_starts": election.term_starts,
        },
        "recall": election.recall_id,
    }


@router.get(
    "/bodies/{slug}/elections/",
    operation_id="mandates_elections",
    summary="A body's elections",
    response={200: out.ElectionList, **FOUND},
    url_name="api-elections",
)
@declare(PUBLIC)
def elections(
    request,
    slug: str = _slug(),
    phase: Annotated[
        ElectionPhaseCode | None,
        Query(description="Only the elections in this phase today."),
    ] = None,
    after: int = _after("election"),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's elections, by id, each with its calendar and phase today."""
    body = get_object_or_404(Body, slug=slug)
    found = Election.objects.filter(body=body, pk__gt=after)
    if phase is not None:
        found = found.filter(_in_phase(phase, timezone.localdate()))
    return page_by_id(found.order_by("pk"), limit, _election_summary)


def _objection(objection: Objection) -> dict[str, Any]:
    decided = objection.status != ObjectionStatus.FILED
    return {
        "id": objection.pk,
        "grounds": objection.grounds,
        "status": label(objection.status, objection.get_status_display()),
        "decision_reason": objection.decision_reason if decided else None,
        "filed_at": objection.filed_at,
        "decided_at": objection.decided_at,
    }


def _candidate(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "name": str(candidate.resident),
        "status": label(candidate.status, candidate.get_status_display()),
        "reason": candidate.reason or None,
        "statement": candidate.statement,
        "nominated": candidate.nominated_by_id is not None,
        "nominated_by": str(candidate.nominated_by) if candidate.nominated_by_id else None,
        "registered_at": candidate.registered_at,
        "objections": [_objection(o) for o in candidate.objections.all()],
    }


def _messages(found: dict | None) -> list[dict[str, Any]]:
    """A count's explanation: its engine messages (strings of older counts left out)."""
    return [m for m in (found or {}).get("explanation") or [] if isinstance(m, dict)]


def _contest_result(contest: Contest) -> dict[str, Any] | None:
    """The counted result, as the results part stores it; None before the count. Seat by seat
    as the election's page reads it (``results.elected_by_seat``)."""
    stored = contest.result or {}
    if "principals" not in stored or contest.poll_id is None:
        return None

    def person(candidate: Candidate | None) -> dict[str, Any] | None:
        if candidate is None:
            return None
        return {"candidate": candidate.pk, "name": str(candidate.resident)}

    poll = contest.poll
    recorded = checks.recorded_result(poll)[0] if poll.status == PollStatus.CLOSED else None
    return {
        "poll": contest.poll_id,
        "options": {str(k): v for k, v in (stored.get("options") or {}).items()},
        "principals": list(stored["principals"]),
        "substitutes": list(stored.get("substitutes") or []),
        "seats": [
            {
                "seat": row["seat"].number,
                "principal": person(row["principal"]),
                "substitute": person(row["substitute"]),
            }
            for row in elected_by_seat(contest)
        ],
        "explanation": _messages(recorded),
        "substitute_explanation": _messages(stored.get("substitute_count")),
    }


def _contest(contest: Contest) -> dict[str, Any]:
    numbers = sorted(seat.number for seat in contest.seats.all())
    return {
        "id": contest.pk,
        "organ": _organ_ref(contest.organ),
        "seats": numbers,
        "counting": label(contest.counting, Counting(contest.counting).label),
        "poll": contest.poll_id,
        "candidates": [_candidate(c) for c in contest.candidates.all()],
        "result": _contest_result(contest),
    }


def _conferred(election: Election) -> list[dict[str, Any]]:
    """The mandates the election conferred: from the term's start, in its contests' seats, on
    its candidates."""
    if election.status != ElectionStatus.CONFERRED:
        return []
    found = (
        Mandate.objects.filter(
            body=election.body,
            kind__in=SEATED,
            starts_on=election.term_starts,
            seat__contests__election=election,
            resident__in=Candidate.objects.filter(contest__election=election).values("resident"),
        )
        .select_related("resident", "seat")
        .distinct()
        .order_by("organ__position", "organ_id", "seat__number", "kind", "pk")
    )
    return [
        {
            "mandate": m.pk,
            "name": str(m.resident),
            "kind": label(m.kind, m.get_kind_display()),
            "organ": m.organ_id,
            "seat": _seat_number(m),
            "starts_on": m.starts_on,
            "ends_on": m.ends_on,
        }
        for m in found
    ]


@router.get(
    "/bodies/{slug}/elections/{election_id}/",
    operation_id="mandates_election",
    summary="An election",
    response={200: out.ElectionDetail, **FOUND},
    url_name="api-election",
)
@declare(PUBLIC)
def election(request, slug: str = _slug(), election_id: int = _id("Election")):
    """An election: its calendar and phase today, each contest (organ, seats, counting) with
    its candidates and the objections to them with their decisions and reasons; once counted,
    each contest's principals and substitutes seat by seat with the engine's explanation;
    once conferred, the mandates."""
    found = rows.with_body(Election, election_id, slug, Body)
    if found is None:
        raise Http404
    candidates = Candidate.objects.select_related("resident", "nominated_by").prefetch_related(
        Prefetch("objections", queryset=Objection.objects.order_by("filed_at", "pk"))
    )
    contests = (
        Contest.objects.filter(election=found)
        .select_related("organ", "poll")
        .prefetch_related("seats", Prefetch("candidates", queryset=candidates))
        .order_by("position", "pk")
    )
    return {
        **_election_summary(found),
        "description": found.description,
        "statute_version": found.statute.number,
        "created_at": found.created_at,
        "counted_at": found.counted_at,
        "conferred_at": found.conferred_at,
        "contests": [_contest(c) for c in contests],
        "mandates": _conferred(found),
    }


# --- recalls -------------------------------------------------------------------------------


def _recalls(body: Body):
    return (
        Recall.objects.filter(body=body)
        .select_related("mandate__resident", "mandate__organ", "mandate__seat")
        .annotate(n_signatures=Count("signatures"))
    )


def _recall_summary(recall: Recall) -> dict[str, Any]:
    today = timezone.localdate()
    mandate = recall.mandate
    return {
        "id": recall.pk,
        "spokesperson": {
            "mandate": mandate.pk,
            "name": str(mandate.resident),
            "organ": _organ_ref(mandate.organ),
            "seat": _seat_number(mandate),
        },
        "origin": label(recall.origin, recall.get_origin_display()),
        "status": label(recall.status, recall.get_status_display()),
        "signatures": recall.n_signatures,
        "threshold": recall.threshold,
        "register_size": recall.register_size,
        "started_at": recall.started_at,
        "deadlines": {
            "report_due": recall.report_due,
            "report_overdue": recall.status == RecallStatus.REPORT
            and recall.report_due is not None
            and today > recall.report_due,
            "vote_due": recall.vote_due,
            "vote_overdue": recall.status == RecallStatus.VOTE
            and recall.vote_due is not None
            and today > recall.vote_due,
        },
    }


def _recall_vote(recall: Recall) -> dict[str, Any] | None:
    if recall.item_id is None:
        return None
    motion = recall.motion
    decided = motion is not None and motion.decided_at is not None
    return {
        "assembly": recall.item.assembly_id,
        "item": recall.item_id,
        "motion": recall.motion_id,
        "votes_for": motion.votes_for if motion else None,
        "votes_against": motion.votes_against if motion else None,
        "abstentions": motion.abstentions if motion else None,
        "present": motion.present if motion else None,
        "quorum_required": motion.quorum_required if motion else None,
        "outcome": label(motion.outcome, motion.get_outcome_display()) if decided else None,
        "decided_at": motion.decided_at if motion else None,
    }


@router.get(
    "/bodies/{slug}/recalls/",
    operation_id="mandates_recalls",
    summary="A body's recalls",
    response={200: out.RecallList, **FOUND},
    url_name="api-recalls",
)
@declare(PUBLIC)
def recalls(
    request,
    slug: str = _slug(),
    status: Annotated[
        RecallStatusCode | None,
        Query(description="Only the recalls in this phase."),
    ] = None,
    after: int = _after("recall"),
    limit: int = Query(20, ge=1, le=100),
):
    """The body's recalls, by id: whose mandate, the signatures counted against the threshold
    (never who signed), the phase and its deadlines."""
    body = get_object_or_404(Body, slug=slug)
    found = _recalls(body).filter(pk__gt=after)
    if status is not None:
        found = found.filter(status=status)
    return page_by_id(found.order_by("pk"), limit, _recall_summary)


@router.get(
    "/bodies/{slug}/recalls/{recall_id}/",
    operation_id="mandates_recall",
    summary="A recall",
    response={200: out.RecallDetail, **FOUND},
    url_name="api-recall",
)
@declare(PUBLIC)
def recall(request, slug: str = _slug(), recall_id: int = _id("Recall")):
    """A recall: the spokesperson, its origin and grounds, the signatures counted against the
    threshold, the comptroller's report, the vote in assembly and its outcome, the deadlines,
    and once carried the substitute's mandate or the election convened."""
    body = get_object_or_404(Body, slug=slug)
    found = (
        _recalls(body)
        .select_related("statute", "item", "motion", "successor__resident")
        .filter(pk=recall_id)
        .first()
    )
    if found is None:
        raise Http404
    late = (
        found.report_at is not None
        and found.report_due is not None
        and timezone.localdate(found.report_at) > found.report_due
    )
    successor = found.successor
    return {
        **_recall_summary(found),
        "grounds": found.grounds,
        "statute_version": found.statute.number,
        "reached_at": found.reached_at,
        "report": found.report or None,
        "report_at": found.report_at,
        "report_late": late,
        "vote": _recall_vote(found),
        "decided_at": found.decided_at,
        "successor": (
            None
            if successor is None
            else {"mandate": successor.pk, "name": str(successor.resident)}
        ),
        "election": found.election_id,
    }


def _sign_refused(request, recall: Recall | None) -> None:
    """A resident who may sign a petition that collects, refused because this one no longer
    does: 409."""
    if recall is None:
        return
    held = roles(user_of(request), recall.body)
    if held & allowed_roles(RecallAction.SIGN, RecallStatus.COLLECTING):
        raise Conflict(_("This petition no longer collects signatures."))


@router.post(
    "/bodies/{slug}/recalls/{recall_id}/signatures",
    operation_id="mandates_recall_sign",
    summary="Sign a recall petition",
    response={201: out.RecallSigned, **problems(400, 401, 403, 404, 409)},
    url_name="api-recall-sign",
    auth=AUTH,
)
@declare(Permission(RecallAction.SIGN, Recall))
def recall_sign(request, slug: str = _slug(), recall_id: int = _id("Recall")):
    """The caller signs the petition as themselves, once (400 the second time); 409 when the
    petition no longer collects signatures."""
    try:
        body, found = find(request, slug, RecallAction.SIGN, Recall, recall_id)
    except PermissionDenied:
        _sign_refused(request, rows.with_body(Recall, recall_id, slug, Body))
        raise
    try:
        recall_service.sign(found, by=user_of(request))
    except MandateError as exc:
        now = Recall.objects.only("status").get(pk=found.pk)
        if now.status != RecallStatus.COLLECTING:
            raise Conflict(str(exc)) from None
        raise Invalid(str(exc), [{"field": "__all__", "message": str(exc)}]) from None
    signed = _recalls(body).get(pk=found.pk)
    return Status(
        201,
        {
            "recall": signed.pk,
            "signatures": signed.n_signatures,
            "threshold": signed.threshold,
            "status": label(signed.status, signed.get_status_display()),
        },
    )


# --- spokespersons -------------------------------------------------------------------------


def _mandates(body: Body):
    """The body's spokespersons' and substitutes' mandates (administrators have no page)."""
    return Mandate.objects.filter(body=body, kind__in=SEATED, organ__isnull=False).select_related(
        "resident", "organ", "seat"
    )


def _spokesperson_summary(mandate: Mandate, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": mandate.pk,
        "name": str(mandate.resident),
        "kind": label(mandate.kind, mandate.get_kind_display()),
        "organ": _organ_ref(mandate.organ),
        "seat": _seat_number(mandate),
        "starts_on": mandate.starts_on,
        "ends_on": mandate.ends_on,
        "in_force": mandate.is_active(today),
    }


@router.get(
    "/bodies/{slug}/spokespersons/",
    operation_id="mandates_spokespersons",
    summary="A body's spokespersons",
    response={200: out.SpokespersonList, **FOUND},
    url_name="api-spokespersons",
)
@declare(PUBLIC)
def spokespersons(
    request,
    slug: str = _slug(),
    ended: bool = Query(
        False,
        description="false: mandates in force or starting later; true: mandates that ended.",
    ),
    organ: int | None = Query(None, ge=0, le=rows.MAX_ID, description="Only this organ's."),
    after: int = _after("mandate"),
    limit: int = Query(50, ge=1, le=200),
):
    """The body's spokespersons and substitutes, by mandate id: each mandate's page is
    ``spokespersons/{id}/``."""
    body = get_object_or_404(Body, slug=slug)
    today = timezone.localdate()
    still = Q(ends_on__isnull=True) | Q(ends_on__gt=today)
    found = _mandates(body).filter(pk__gt=after).filter(~still if ended else still)
    if organ is not None:
        found = found.filter(organ_id=organ)
    return page_by_id(found.order_by("pk"), limit, _spokesperson_summary)


def _substitute(mandate: Mandate, today: date) -> Mandate | None:
    """Who would take the seat today, as the spokesperson's page and a carried recall read it
    (``territory.services.substitute_for``)."""
    if mandate.kind != MandateKind.SPOKESPERSON:
        return None
    return substitute_for(mandate, today)


def _instruction(instruction: Instruction) -> dict[str, Any]:
    motion = instruction.motion
    return {
        "id": instruction.pk,
        "body": instruction.body.slug,
        "matter": instruction.matter,
        "text": instruction.text,
        "position": label(instruction.position, instruction.get_position_display()),
        "status": label(instruction.status, instruction.get_status_display()),
        "assembly": motion.item.assembly_id,
        "motion": motion.pk,
        "decided_at": motion.decided_at,
    }


def _named_vote(vote: NamedVote) -> dict[str, Any]:
    motion = vote.motion
    return {
        "id": vote.pk,
        "body": motion.item.assembly.body.slug,
        "assembly": motion.item.assembly_id,
        "motion": motion.pk,
        "motion_text": motion.text,
        "vote": label(vote.vote, vote.get_vote_display()),
        "instruction": vote.instruction_id,
        "against_instruction": vote.against_instruction,
        "recorded_at": vote.recorded_at,
    }


def _question(question: Question, today: date) -> dict[str, Any]:
    answered = question.answered_at is not None
    return {
        "id": question.pk,
        "text": question.text,
        "asked_at": question.asked_at,
        "due_on": question.due_on,
        "answer": question.answer if answered else None,
        "answered_at": question.answered_at,
        "overdue": question.is_overdue(today),
    }


def _accounts(report: AccountsReport) -> dict[str, Any]:
    motion = report.motion
    return {
        "id": report.pk,
        "period_from": report.period_from,
        "period_to": report.period_to,
        "text": report.text,
        "submitted_at": report.submitted_at,
        "status": label(report.status, report.get_status_display()),
        "motion": report.motion_id,
        "decided_at": motion.decided_at if motion else None,
    }


def _mandate_of(slug: str, mandate_id: int) -> Mandate:
    """The spokesperson's or substitute's mandate of the body; 404 for anything else."""
    body = get_object_or_404(Body, slug=slug)
    found = _mandates(body).filter(pk=mandate_id).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/bodies/{slug}/spokespersons/{mandate_id}/",
    operation_id="mandates_spokesperson",
    summary="A spokesperson",
    response={200: out.SpokespersonDetail, **FOUND},
    url_name="api-spokesperson",
)
@declare(PUBLIC)
def spokesperson(request, slug: str = _slug(), mandate_id: int = _id("Mandate")):
    """A spokesperson's mandate: seat, term and substitute; the instructions the assembly gave
    with their decisions; their votes by name beside the instruction carried; the questions
    put to them (unanswered ones past due flagged); their accounts and the assembly's
    decisions; an open recall; every deadline."""
    mandate = _mandate_of(slug, mandate_id)
    today = timezone.localdate()
    instructions = Instruction.objects.filter(mandate=mandate).select_related(
        "body", "motion__item"
    )
    votes = NamedVote.objects.filter(mandate=mandate).select_related(
        "motion__item__assembly__body", "instruction"
    )
    reports = AccountsReport.objects.filter(mandate=mandate).select_related("motion")
    open_recall = (
        Recall.objects.filter(mandate=mandate, status__in=OPEN_RECALL)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        **_spokesperson_summary(mandate, today),
        "end_reason": mandate.end_reason or None,
        "substitute": _holder(_substitute(mandate, today)),
        "instructions": [_instruction(i) for i in instructions],
        "named_votes": [_named_vote(v) for v in votes],
        "questions": [_question(q, today) for q in Question.objects.filter(mandate=mandate)],
        "accounts": [_accounts(r) for r in reports],
        "open_recall": open_recall,
        "deadlines": [
            {
                "what": str(due.what),
                "due_on": due.due_on,
                "done": due.done,
                "overdue": due.overdue(today),
            }
            for due in deadlines.of_mandate(mandate, today)
        ],
    }


@router.post(
    "/bodies/{slug}/spokespersons/{mandate_id}/questions",
    operation_id="mandates_ask",
    summary="Ask a spokesperson a question in public",
    response={201: out.SpokespersonQuestion, **problems(400, 401, 403, 404, 409)},
    url_name="api-ask",
    auth=AUTH,
)
@declare(Permission(MandateAction.ASK, Body))
def ask(
    request,
    payload: out.SpokespersonQuestionIn,
    slug: str = _slug(),
    mandate_id: int = _id("Mandate"),
):
    """A resident of the body asks the spokesperson a question, published on their page and
    due an answer within the statute's days."""
    find(request, slug, MandateAction.ASK)
    mandate = _mandate_of(slug, mandate_id)
    try:
        question = accounting.ask(mandate, text=payload.text, by=user_of(request))
    except MandateError as exc:
        if not mandate.is_active():  # the mandate's state refuses it, not the question
            raise Conflict(str(exc)) from None
        raise Invalid(str(exc), [{"field": "text", "message": str(exc)}]) from None
    return Status(201, _question(question, timezone.localdate()))
