"""Elections and recalls of council A in any phase, made straight from the models (so the tests
of one part do not depend on another part's services). Tests of a service use the service.

The ledger: an object made here has no entry of its own; a part whose ``ledger verify`` chain
check needs one writes it in its own factory helper (as tests/assemblies/factories does)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comuna.mandates.models import (
    Candidate,
    Contest,
    Election,
    ElectionPhase,
    ElectionStatus,
    Recall,
    RecallOrigin,
    RecallStatus,
)
from comuna.territory import census
from comuna.territory.models import Counting, Mandate, MandateKind, Seat


def seats_of(organ, n: int | None = None, counting: str | None = None) -> list[Seat]:
    """The organ's declared seats (``n``: that many, declared now if missing), straight from
    the models."""
    if n is not None and organ.seats != n or counting and organ.counting != counting:
        organ.seats = n or organ.seats
        organ.counting = counting or organ.counting
        organ.save()
    for number in range(1, organ.seats + 1):
        Seat.objects.get_or_create(organ=organ, number=number)
    return list(organ.seat_rows.order_by("number"))


# how far from today each phase's calendar is set (days): candidacy opens, closes, objections
# close, vote on
_CALENDARS = {
    ElectionPhase.CONVENED: (5, 10, 15, 20),
    ElectionPhase.CANDIDACY: (-2, 5, 10, 15),
    ElectionPhase.OBJECTIONS: (-10, -5, 3, 10),
    ElectionPhase.CAMPAIGN: (-20, -15, -10, 0),
}
_PAST = (-30, -25, -20, -10)


def election_in(cast, phase: str | None = None, body=None, *, candidates: bool = True) -> Election:
    """An election of council A (or ``body``) in ``phase``, with one contest for the health
    committee's seat (uninominal) and, with ``candidates``, two standing candidates (the
    resident and the spokesperson personas). Voting/counted/conferred: the calendar is past and
    the status set; no poll is made (the results part's helpers make them)."""
    body = body or cast.council
    phase = phase or ElectionPhase.CANDIDACY
    today = timezone.localdate()
    opens, closes, objections, vote = (
        today + timedelta(days=d) for d in _CALENDARS.get(phase, _PAST)
    )
    status = {
        ElectionPhase.VOTING: ElectionStatus.VOTING,
        ElectionPhase.COUNTED: ElectionStatus.COUNTED,
        ElectionPhase.CONFERRED: ElectionStatus.CONFERRED,
        ElectionPhase.CANCELLED: ElectionStatus.CANCELLED,
    }.get(phase, ElectionStatus.SCHEDULED)
    election = Election.objects.create(
        body=body,
        title=f"Elección ({phase})",
        candidacy_opens=opens,
        candidacy_closes=closes,
        objections_close=objections,
        vote_on=vote,
        term_starts=vote + timedelta(days=10),
        status=status,
        statute=body.current_statute(),
    )
    organ = cast.health if body == cast.council else body.organs.first()
    contest = Contest.objects.create(election=election, organ=organ, counting=Counting.UNINOMINAL)
    contest.seats.set(seats_of(organ))
    if candidates and body == cast.council:
        for resident in (cast.resident, cast.spokesperson):
            Candidate.objects.create(contest=contest, resident=resident)
    return election


def recall_in(cast, phase: str | None = None, body=None) -> Recall:
    """A recall of the health committee's spokesperson (the spokesperson persona) in
    ``phase``: a residents' petition, with its deadlines set as the services set them."""
    body = body or cast.council
    phase = phase or RecallStatus.COLLECTING
    mandate = (
        Mandate.objects.active()
        .filter(body=body, kind=MandateKind.SPOKESPERSON, organ__isnull=False)
        .order_by("organ__kind" if body != cast.council else "pk")
        .first()
    )
    if body == cast.council:
        mandate = Mandate.objects.active().get(resident=cast.spokesperson, organ=cast.health)
    statute = body.current_statute()
    size = census.register(body, on=timezone.localdate()).count()
    now = timezone.now()
    recall = Recall(
        body=body,
        mandate=mandate,
        origin=RecallOrigin.PETITION,
        grounds="No rinde cuentas desde hace un año.",
        status=phase,
        statute=statute,
        register_size=size,
        threshold=statute.recall_signatures(size),
        started_by=cast.resident if body == cast.council else None,
    )
    if phase != RecallStatus.COLLECTING:
        recall.reached_at = now - timedelta(days=2)
        recall.report_due = (now + timedelta(days=statute.recall_report_days - 2)).date()
    if phase not in (RecallStatus.COLLECTING, RecallStatus.REPORT):
        recall.report = "La unidad de contraloría constató los hechos."
        recall.report_at = now - timedelta(days=1)
        recall.vote_due = (now + timedelta(days=statute.recall_assembly_days - 1)).date()
    if phase in (RecallStatus.CARRIED, RecallStatus.REJECTED):
        recall.decided_at = now
    recall.save()
    return recall
