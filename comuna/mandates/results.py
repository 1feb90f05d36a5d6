"""An election's results: the vote, the count with substitutes, and conferring the mandates.

The vote (:func:`open_vote`). The electoral commission opens it on or after the voting day,
once every objection is decided: one secret ballot (``voting.Poll``: online, paper entered on
the poll's paper pages and merged) per contest, on the body's voters register of that day.

- The options are the contest's standing candidates in the order they registered, keyed "1",
  "2", ...; that order is the tie order the engine uses (its ``"listed"`` order): a tie of
  votes between candidates goes to the one who registered first (plurality; STV's order of
  election and of surplus transfers), and STV eliminates, of candidates tied in every round,
  the one who registered last.
- An STV contest is a ranked ballot counted by STV for as many winners as seats. A uninominal
  contest is a single-choice ballot counted by plurality: one seat, the most votes; an organ
  with several uninominal seats votes on one ballot, one vote each, and its seats go to the
  candidates with the most votes (not one ballot per seat).
- A contest with fewer standing candidates than seats is opened for as many winners as
  candidates: the seats left over stay vacant (no principal, no substitute) until an election
  fills them. A contest with fewer than two standing candidates is refused (a secret ballot
  needs a choice): the commission extends the candidacies or cancels the election.

The count (:func:`count`). Every contest's ballot is closed and counted (a ballot already
closed from its poll page is taken as counted). The principals are the ballot's winners in the
order they were elected. The substitutes come from counting **the same ballots again with the
principals withdrawn**: each principal is struck from every ballot (a ranked ballot passes to
its next choice; a single choice for a principal becomes blank), and the rest are counted by
the same rule, with the same tie order (the remaining candidates in registration order), for
as many winners as there are principals (fewer when fewer candidates remain). Seat i (by
number) goes to the i-th principal, with the i-th substitute as its substitute; a seat whose
principal has no substitute has none.

Conferring (:func:`confer`). For each seat, the principal's spokesperson mandate and the
substitute's substitute mandate, from the term's start for the statute's term; the mandates of
the previous holders of those seats (and the organ's mandates held without a declared seat)
that are still in force that day end on it. A term that starts in the future leaves every
permission as it is until that day.

Ledger: ``election.vote_opened`` (contests, their polls and options), ``election.counted``
(principals and substitutes; ``ledger verify`` counts the closed polls' ballots again) and
``election.conferred`` (seat by seat, the mandates conferred, and those ended).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comuna.choice.elections import count as engine_count
from comuna.choice.elections.profile import RankedProfile
from comuna.ledger import entries, record
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Candidate,
    CandidateStatus,
    Contest,
    Election,
    ElectionPhase,
    ElectionStatus,
    ObjectionStatus,
)
from comuna.territory import services as territory
from comuna.territory.actors import actor_label
from comuna.territory.census import add_years
from comuna.territory.models import Counting, Mandate, MandateKind, Seat
from comuna.territory.services import TerritoryError
from comuna.voting import services as voting
from comuna.voting import tally
from comuna.voting.models import Method, Poll
from comuna.voting.models import Status as PollStatus


def standing(contest: Contest) -> list[Candidate]:
    """The contest's standing candidates in registration order: the ballot's options, in that
    order (the tie order)."""
    return list(
        contest.candidates.filter(status=CandidateStatus.STANDING)
        .select_related("resident")
        .order_by("registered_at", "pk")
    )


def ballot_settings(contest: Contest, n_candidates: int) -> dict[str, Any]:
    """How the contest's ballot is cast and counted: ranked by STV, or single choice by
    plurality; as many winners as seats, or as candidates when they are fewer."""
    winners = min(contest.seats.count(), n_candidates)
    if contest.counting == Counting.STV:
        return {"method": Method.RANKED, "rule": "stv", "seats": winners}
    return {"method": Method.SINGLE, "rule": "plurality", "seats": winners}


def make_poll(contest: Contest, *, by: Any, register=None) -> Poll:
    """Create and open the contest's secret ballot (``contest.poll`` and the options map in
    ``contest.result`` set and saved); refused below two standing candidates."""
    candidates = standing(contest)
    if len(candidates) < 2:
        raise MandateError(
            ngettext(
                "%(organ)s has %(n)s standing candidate: a secret ballot needs at least two. "
                "Extend the candidacies or cancel the election.",
                "%(organ)s has %(n)s standing candidates: a secret ballot needs at least two. "
                "Extend the candidacies or cancel the election.",
                len(candidates),
            )
            % {"organ": contest.organ.name, "n": len(candidates)}
        )
    if not contest.seats.exists():
        raise MandateError(_("%(organ)s has no seat to elect.") % {"organ": contest.organ.name})
    election = contest.election
    with translation.override(settings.LANGUAGE_CODE):  # the ballot is the body's
        title = _("%(election)s: %(organ)s") % {
            "election": election.title,
            "organ": contest.organ.name,
        }
    try:
        poll = voting.create_poll(
            election.body,
            title=title[:200],
            description=election.description,
            options=[
                {"label": str(c.resident)[:200], "description": c.statement} for c in candidates
            ],
            by=by,
            **ballot_settings(contest, len(candidates)),
        )
        voting.open_poll(poll, by=by, register=register)
    except voting.VotingError as exc:
        raise MandateError(str(exc)) from None
    poll.refresh_from_db()
    contest.poll = poll
    contest.result = {
        "poll": poll.pk,
        "options": {str(i): c.pk for i, c in enumerate(candidates, start=1)},
    }
    contest.save(update_fields=["poll", "result"])
    return poll


@transaction.atomic
def open_vote(election: Election, *, by: Any, register=None) -> list[Poll]:
    """Open the vote: one secret ballot per contest (see the module's docstring), on
    ``register`` (residents of the body; by default the census's voters register of today,
    with the residents of its member bodies). Status VOTING."""
    actor = actor_label(by)
    election = election.locked()
    today = timezone.localdate()
    if election.status != ElectionStatus.SCHEDULED:
        raise MandateError(
            _("The vote of this election was already opened (%(phase)s).")
            % {"phase": election.get_phase_display()}
        )
    if election.phase(today) != ElectionPhase.CAMPAIGN or today < election.vote_on:
        raise MandateError(
            _("The vote opens on the voting day, %(day)s, not before.")
            % {"day": date_format(election.vote_on)}
        )
    contests = list(
        Contest.objects.select_for_update()
        .filter(election=election)
        .select_related("organ", "election__body")
        .order_by("position", "pk")
    )
    if not contests:
        raise MandateError(_("This election has no contest to vote on."))
    pending = (
        Candidate.objects.filter(contest__election=election, status=CandidateStatus.STANDING)
        .filter(objections__status=ObjectionStatus.FILED)
        .distinct()
    )
    if pending.exists():
        raise MandateError(
            _("Decide every objection to a standing candidate before the vote opens: %(names)s.")
            % {"names": ", ".join(str(c.resident) for c in pending.select_related("resident"))}
        )
    # None: each poll's register is the census's voters register of today (open_poll's own
    # default, which takes the residents of member bodies too)
    polls = [make_poll(contest, by=by, register=register) for contest in contests]
    election.status = ElectionStatus.VOTING
    election.save(update_fields=["status"])
    record(
        election.body.ledger_chain,
        "election.vote_opened",
        {
            "election": election.pk,
            "body": election.body.slug,
            "contests": [
                {
                    "contest": c.pk,
                    "organ": c.organ_id,
                    "poll": c.poll_id,
                    "rule": c.poll.rule,
                    "seats": c.poll.seats,
                    "options": c.result["options"],
                }
                for c in contests
            ],
        },
        actor=actor,
    )
    return polls


# --- the count -----------------------------------------------------------------------------


def substitute_count(poll: Poll, principals: list[str]) -> dict[str, Any] | None:
    """The closed poll's ballots counted again with the ``principals`` (option keys)
    withdrawn, by the poll's rule, tie order the remaining options in their order, for as many
    winners as principals (fewer if fewer options remain). None when nobody remains. The
    result has the shape of a poll's (``comuna.voting.explain`` puts it into words)."""
    remaining = [o.key for o in poll.options.all() if o.key not in principals]
    seats = min(len(principals), len(remaining))
    if seats == 0:
        return None
    counted = tally.load(poll)
    ballots = [[k for k in b.choices if k in remaining] for b in counted.ballots]
    counts = [1] * len(ballots)
    for batch in counted.totals:  # single-choice totals: n ballots naming one option each
        for key, n in batch.totals.items():
            if n and key in remaining:
                ballots.append([key])
                counts.append(n)
    profile = RankedProfile.from_ballots(remaining, ballots, counts)
    result = engine_count(poll.rule, profile, seats=seats)
    firsts = dict.fromkeys(remaining, 0)
    for ballot, n in profile.ballots():
        if ballot:
            firsts[ballot[0]] += n
    rounds = tally.count_rounds(result)
    return {
        "rule": poll.rule,
        "seats": seats,
        "withdrawn": list(principals),
        **({"rounds": rounds} if poll.rule == "stv" else {}),
        "winners": list(result.winners),
        "tally": firsts,
        "ballots": profile.n_voters,
        "explanation": [m.to_dict() for m in result.messages()],
    }


def contest_result(contest: Contest, poll: Poll) -> dict[str, Any]:
    """The contest's result from its closed poll: principals, substitutes (candidate ids, seat
    by seat) and the substitutes' count."""
    options = contest.result["options"]
    principals = list(poll.result["winners"])
    substitutes = substitute_count(poll, principals)
    return {
        "poll": poll.pk,
        "options": options,
        "principals": [options[k] for k in principals],
        "substitutes": [options[k] for k in (substitutes or {}).get("winners", [])],
        "substitute_count": substitutes,
    }


def count_contest(contest: Contest, *, by: Any) -> Contest:
    """Close the contest's ballot if it is open and store its result."""
    if contest.poll_id is None:
        raise MandateError(_("%(organ)s has no ballot to count.") % {"organ": contest.organ.name})
    poll = Poll.objects.get(pk=contest.poll_id)
    if poll.status == PollStatus.OPEN:
        try:
            voting.close_poll(poll, by=by)
        except voting.VotingError as exc:
            raise MandateError(str(exc)) from None
        poll.refresh_from_db()
    if poll.status != PollStatus.CLOSED:
        raise MandateError(
            _("The ballot of %(organ)s was never opened.") % {"organ": contest.organ.name}
        )
    contest.result = contest_result(contest, poll)
    contest.save(update_fields=["result"])
    return contest


def _counted_payload(election: Election, contests: list[Contest]) -> dict[str, Any]:
    return {
        "election": election.pk,
        "body": election.body.slug,
        "contests": [
            {
                "contest": c.pk,
                "poll": c.result["poll"],
                "options": c.result["options"],
                "principals": c.result["principals"],
                "substitutes": c.result["substitutes"],
            }
            for c in contests
        ],
    }


@transaction.atomic
def count(election: Election, *, by: Any) -> Election:
    """Close and count every contest's ballot: principals and substitutes (see the module's
    docstring). Status COUNTED."""
    actor = actor_label(by)
    election = election.locked()
    if election.status != ElectionStatus.VOTING:
        raise MandateError(
            _("Only an election whose vote is open is counted; this one is at “%(phase)s”.")
            % {"phase": election.get_phase_display()}
        )
    contests = list(
        Contest.objects.select_for_update()
        .filter(election=election)
        .select_related("organ")
        .order_by("position", "pk")
    )
    for contest in contests:
        count_contest(contest, by=by)
    election.status = ElectionStatus.COUNTED
    election.counted_at = timezone.now()
    election.save(update_fields=["status", "counted_at"])
    entry = record(
        election.body.ledger_chain,
        "election.counted",
        _counted_payload(election, contests),
        actor=actor,
    )
    for contest in contests:  # the pages show a result only while it agrees with its entry
        contest.result["entry"] = entry.seq
        contest.save(update_fields=["result"])
    return election


def recorded_disagreement(contest: Contest) -> bool:
    """True when the contest's stored result is not what its ``election.counted`` entry
    recorded (or that entry is missing): the pages then show no result, only why."""
    result = contest.result or {}
    if "principals" not in result:
        return False
    found = (
        entries(contest.election.body.ledger_chain)
        .filter(seq=result.get("entry") or 0, kind="election.counted")
        .first()
    )
    if found is None:
        return True
    recorded = next(
        (c for c in found.data.get("contests", []) if c.get("contest") == contest.pk), None
    )
    return recorded is None or any(
        recorded.get(k) != result.get(k) for k in ("poll", "options", "principals", "substitutes")
    )


# --- conferring the mandates -----------------------------------------------------------------


def elected_by_seat(contest: Contest) -> list[dict[str, Any]]:
    """The counted contest seat by seat: ``{"seat", "principal", "substitute"}`` (Candidate
    rows, None where the seat has none); empty before the count."""
    result = contest.result or {}
    if "principals" not in result:
        return []
    candidates = {
        c.pk: c for c in Candidate.objects.filter(contest=contest).select_related("resident")
    }

    def nth(ids: list[int], i: int) -> Candidate | None:
        return candidates.get(ids[i]) if i < len(ids) else None

    return [
        {
            "seat": seat,
            "principal": nth(result["principals"], i),
            "substitute": nth(result["substitutes"], i),
        }
        for i, seat in enumerate(seats_of(contest))
    ]


def seats_of(contest: Contest) -> list[Seat]:
    return list(contest.seats.order_by("number", "pk"))


def previous_holders(contest: Contest, on: date) -> list[Mandate]:
    """The mandates in force on ``on`` of the contest's seats, and the organ's mandates held
    without a declared seat: those the elected replace."""
    return list(
        Mandate.objects.select_for_update()
        .active(on)
        .filter(
            organ_id=contest.organ_id,
            kind__in=(MandateKind.SPOKESPERSON, MandateKind.SUBSTITUTE),
        )
        .filter(Q(seat__in=seats_of(contest)) | Q(seat__isnull=True))
        .order_by("pk")
    )


@transaction.atomic
def confer(election: Election, *, by: Any) -> list[Mandate]:
    """Confer each seat's mandates on its principal (spokesperson) and substitute, from the
    term's start for the statute's term, ending the previous holders' mandates that day.
    Status CONFERRED; returns the mandates conferred."""
    actor = actor_label(by)
    election = election.locked()
    if election.status != ElectionStatus.COUNTED:
        raise MandateError(
            _("Mandates are conferred once the vote is counted; this election is at “%(phase)s”.")
            % {"phase": election.get_phase_display()}
        )
    starts = election.term_starts
    ends = add_years(starts, election.statute.term_years)
    with translation.override(settings.LANGUAGE_CODE):  # stored: the body's language
        reason = _("term ended; successor elected")
    conferred: list[Mandate] = []
    ended: list[int] = []
    seats_payload = []
    contests = Contest.objects.filter(election=election).select_related("organ__body")
    for contest in contests.order_by("position", "pk"):
        result = contest.result or {}
        candidates_by_pk = {
            c.pk: c for c in Candidate.objects.filter(contest=contest).select_related("resident")
        }
        for mandate in previous_holders(contest, starts):
            try:
                territory.end_mandate(mandate, on=starts, reason=reason, by=by)
            except TerritoryError as exc:
                raise MandateError(str(exc)) from None
            ended.append(mandate.pk)
        pairs = (
            (MandateKind.SPOKESPERSON, result.get("principals", [])),
            (MandateKind.SUBSTITUTE, result.get("substitutes", [])),
        )
        for i, seat in enumerate(seats_of(contest)):
            row: dict[str, Any] = {"contest": contest.pk, "seat": seat.pk, "number": seat.number}
            for kind, candidates in pairs:
                role = "principal" if kind == MandateKind.SPOKESPERSON else "substitute"
                row[role] = row[f"{role}_mandate"] = None
                if i >= len(candidates):
                    continue
                try:
                    mandate = territory.confer_mandate(
                        contest.organ.body,
                        candidates_by_pk[candidates[i]].resident,
                        organ=contest.organ,
                        kind=kind,
                        seat=seat,
                        starts_on=starts,
                        ends_on=ends,
                        by=by,
                    )
                except TerritoryError as exc:
                    raise MandateError(str(exc)) from None
                conferred.append(mandate)
                row[role], row[f"{role}_mandate"] = candidates[i], mandate.pk
            seats_payload.append(row)
    election.status = ElectionStatus.CONFERRED
    election.conferred_at = timezone.now()
    election.save(update_fields=["status", "conferred_at"])
    record(
        election.body.ledger_chain,
        "election.conferred",
        {
            "election": election.pk,
            "body": election.body.slug,
            "term_starts": starts.isoformat(),
            "term_ends": ends.isoformat(),
            "seats": seats_payload,
            "ended": ended,
        },
        actor=actor,
    )
    return conferred


# --- ledger verify ---------------------------------------------------------------------------


def _election_of(entry) -> tuple[Election | None, str | None]:
    pk = entry.data.get("election")
    election = Election.objects.select_related("body").filter(pk=pk).first()
    if election is None:
        return None, _("election %(election)s is missing from the database") % {"election": pk}
    if election.body.ledger_chain != entry.chain:
        return None, _("election %(election)s belongs to another body") % {"election": pk}
    return election, None


def check_vote_opened(entry) -> str | None:
    """``election.vote_opened``: each contest is voted on the poll recorded, with the options
    recorded (the candidates in their order)."""
    election, problem = _election_of(entry)
    if problem:
        return problem
    for rec in entry.data.get("contests", []):
        contest = Contest.objects.filter(pk=rec["contest"], election=election).first()
        if contest is None or contest.poll_id != rec["poll"]:
            return _("contest %(contest)s is no longer voted on the ballot recorded") % {
                "contest": rec["contest"]
            }
        poll = Poll.objects.get(pk=contest.poll_id)
        if (poll.rule, poll.seats) != (rec["rule"], rec["seats"]):
            return _("the ballot of contest %(contest)s now counts otherwise") % {
                "contest": contest.pk
            }
        options = (contest.result or {}).get("options")
        keys = sorted(poll.options.values_list("key", flat=True), key=int)
        if options != rec["options"] or keys != sorted(rec["options"], key=int):
            return _("the candidates of contest %(contest)s differ from those recorded") % {
                "contest": contest.pk
            }
    return None


def check_counted(entry) -> str | None:
    """``election.counted``: the stored principals and substitutes are those recorded, and the
    closed ballots, counted again (substitutes with the principals withdrawn), give them."""
    election, problem = _election_of(entry)
    if problem:
        return problem
    for rec in entry.data.get("contests", []):
        contest = Contest.objects.filter(pk=rec["contest"], election=election).first()
        if contest is None:
            return _("contest %(contest)s is missing from the database") % {
                "contest": rec["contest"]
            }
        stored = contest.result or {}
        changed = [k for k in ("poll", "principals", "substitutes") if stored.get(k) != rec[k]]
        if stored.get("entry") != entry.seq:
            changed.append("entry")
        if changed:
            return _("the result of contest %(contest)s differs from the entry: %(fields)s") % {
                "contest": contest.pk,
                "fields": ", ".join(changed),
            }
        poll = Poll.objects.filter(pk=rec["poll"], status=PollStatus.CLOSED).first()
        if poll is None or contest.poll_id != poll.pk:
            return _("the ballot of contest %(contest)s is not the closed poll recorded") % {
                "contest": contest.pk
            }
        options = rec["options"]
        winners = tally.count_poll(poll)["winners"]
        substitutes = substitute_count(poll, winners)
        again = {
            "principals": [options[k] for k in winners],
            "substitutes": [options[k] for k in (substitutes or {}).get("winners", [])],
        }
        for key, value in again.items():
            if value != rec[key]:
                return _(
                    "contest %(contest)s counts again to %(key)s %(now)s, the ledger says %(then)s"
                ) % {"contest": contest.pk, "key": key, "now": value, "then": rec[key]}
        if stored.get("substitute_count") != substitutes:
            return _("the substitutes' count of contest %(contest)s was altered") % {
                "contest": contest.pk
            }
    return None


def check_conferred(entry) -> str | None:
    """``election.conferred``: each seat's mandates are in the database as conferred, on the
    candidates the count elected, and the replaced mandates end by the term's start."""
    election, problem = _election_of(entry)
    if problem:
        return problem
    starts = date.fromisoformat(entry.data["term_starts"])
    results = {c.pk: c.result or {} for c in Contest.objects.filter(election=election)}
    residents = dict(
        Candidate.objects.filter(contest__election=election).values_list("pk", "resident_id")
    )
    for row in entry.data.get("seats", []):
        result = results.get(row["contest"], {})
        for role, kind, key in (
            ("principal", MandateKind.SPOKESPERSON, "principals"),
            ("substitute", MandateKind.SUBSTITUTE, "substitutes"),
        ):
            pk = row.get(f"{role}_mandate")
            if pk is None:
                continue
            mandate = Mandate.objects.filter(pk=pk).first()
            elected = result.get(key, [])
            if (
                mandate is None
                or mandate.seat_id != row["seat"]
                or mandate.kind != kind
                or mandate.starts_on != starts
                or mandate.resident_id != residents.get(row[role])
                or row[role] not in elected
            ):
                return _("mandate %(mandate)s is not the one conferred on seat %(seat)s") % {
                    "mandate": pk,
                    "seat": row["seat"],
                }
    for pk in entry.data.get("ended", []):
        mandate = Mandate.objects.filter(pk=pk).first()
        if mandate is None or mandate.ends_on is None or mandate.ends_on > starts:
            return _("mandate %(mandate)s was ended by the election but is still in force") % {
                "mandate": pk
            }
    return None


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "election.vote_opened": (check_vote_opened, gettext_lazy("Election: vote opened")),
    "election.counted": (check_counted, gettext_lazy("Election counted")),
    "election.conferred": (check_conferred, gettext_lazy("Election: mandates conferred")),
}
