"""Candidacies: registration by the candidate or by nomination, eligibility checked against
the census and the election's statute, withdrawals, objections and their decisions.
[Owned by the elections part of issue 12.]

Eligibility is data: :func:`refusals` returns one :class:`Refusal` (a code and its parameters)
per rule failed, and :func:`describe` puts one in the reader's language at display time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.ledger import record
from comuna.ledger.checks import differs
from comuna.mandates.elections import election_of, refuse
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Candidate,
    CandidateStatus,
    Contest,
    Election,
    ElectionPhase,
    Objection,
    ObjectionStatus,
)
from comuna.territory.actors import SystemActor, actor_label
from comuna.territory.census import months_before
from comuna.territory.models import Mandate, MandateKind, Resident
from comuna.territory.permissions import Role, roles

WITHDRAWABLE = (ElectionPhase.CANDIDACY, ElectionPhase.OBJECTIONS, ElectionPhase.CAMPAIGN)
DECIDABLE = (ElectionPhase.OBJECTIONS, ElectionPhase.CAMPAIGN)


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return describe(self)


def describe(refusal: Refusal) -> str:
    """The refusal in the reader's language."""
    p = refusal.params
    texts = {
        "age": lambda: _(
            "%(name)s will be %(age)s on the voting day; the statute asks for %(needed)s years."
        ),
        "residence": lambda: _(
            "%(name)s will have lived in the community since %(since)s on the voting day; the "
            "statute asks for %(months)s months (since %(needed)s at the latest)."
        ),
        "not_resident": lambda: _(
            "%(name)s is not in the census of %(body)s or of a body federated into it."
        ),
        "other_candidacy": lambda: _(
            "%(name)s already stands for %(organ)s in this election: one seat per person."
        ),
        "other_seat": lambda: _(
            "%(name)s is spokesperson of %(organ)s until %(until)s, after the new term starts: "
            "one seat per person."
        ),
        "public_office": lambda: _(
            "%(name)s holds an elected public office (%(office)s); the statute bars it."
        ),
        "reelection": lambda: _(
            "%(name)s holds a seat of %(organ)s now and the statute does not allow re-election."
        ),
        "already_standing": lambda: _("%(name)s is already a candidate for %(organ)s."),
    }
    return texts[refusal.code]() % p


def refusals(resident: Resident, contest: Contest, today: date | None = None) -> list[Refusal]:
    """Every eligibility rule ``resident`` fails for ``contest``, under the election's statute:
    age and residence on the voting day, census of the body, one seat per person (no other
    candidacy in this election, no spokesperson mandate in another organ still in force when
    the new term starts), no elected public office (when the statute says so), no re-election
    (when the statute forbids it), not already a candidate here. Everything is judged on the
    election's own dates (``today`` is accepted for callers that pass it, and not needed)."""
    election = contest.election
    statute = election.statute
    body = election.body
    organ = contest.organ
    vote = election.vote_on
    name = str(resident)
    found: list[Refusal] = []
    age = resident.age_on(vote)
    if age < statute.candidate_age:
        found.append(Refusal("age", {"name": name, "age": age, "needed": statute.candidate_age}))
    needed = months_before(vote, statute.candidate_residence_months)
    if resident.resident_since > needed:
        found.append(
            Refusal(
                "residence",
                {
                    "name": name,
                    "since": resident.resident_since.isoformat(),
                    "months": statute.candidate_residence_months,
                    "needed": needed.isoformat(),
                },
            )
        )
    if resident.body_id not in body.descendant_ids():
        found.append(Refusal("not_resident", {"name": name, "body": body.name}))
    standing = Candidate.objects.filter(
        contest__election=election, resident=resident, status=CandidateStatus.STANDING
    ).select_related("contest__organ")
    # a withdrawn or disqualified candidacy of this contest is not registered again
    here = Candidate.objects.filter(contest=contest, resident=resident).first()
    elsewhere = next((c for c in standing if c.contest_id != contest.pk), None)
    if elsewhere is not None:
        found.append(
            Refusal("other_candidacy", {"name": name, "organ": elsewhere.contest.organ.name})
        )
    starts = election.term_starts
    other = (
        Mandate.objects.active(starts)
        .filter(
            resident=resident,
            kind=MandateKind.SPOKESPERSON,
            organ__body=body,
        )
        .exclude(organ=organ)
        .select_related("organ")
        .first()
    )
    if other is not None:
        found.append(
            Refusal(
                "other_seat",
                {
                    "name": name,
                    "organ": other.organ.name,
                    "until": other.ends_on.isoformat() if other.ends_on else "—",
                },
            )
        )
    if statute.no_public_office and resident.public_office.strip():
        found.append(
            Refusal("public_office", {"name": name, "office": resident.public_office.strip()})
        )
    if not statute.reelection_allowed:
        seats = list(contest.seats.values_list("pk", flat=True))
        holder = (
            Mandate.objects.active(vote)
            .filter(resident=resident, kind=MandateKind.SPOKESPERSON, organ=organ)
            .filter(Q(seat__isnull=True) | Q(seat__in=seats))
            .exists()
        )
        if holder:
            found.append(Refusal("reelection", {"name": name, "organ": organ.name}))
    if here is not None:
        found.append(Refusal("already_standing", {"name": name, "organ": organ.name}))
    return found


# --- who acts ------------------------------------------------------------------------------


def _resident_of(by: Any) -> Resident | None:
    if isinstance(by, SystemActor):
        return None
    return Resident.objects.filter(user_id=getattr(by, "pk", None)).first()


def _is_commission(by: Any, election: Election) -> bool:
    return isinstance(by, SystemActor) or Role.ELECTORAL in roles(by, election.body)


def _is_resident(by: Any, election: Election) -> bool:
    return isinstance(by, SystemActor) or Role.RESIDENT in roles(by, election.body)


def _candidate_payload(candidate: Candidate) -> dict[str, Any]:
    return {
        "election": candidate.contest.election_id,
        "contest": candidate.contest_id,
        "organ": candidate.contest.organ_id,
        "candidate": candidate.pk,
        "resident": candidate.resident_id,
        "nominated_by": candidate.nominated_by_id,
        "statement": candidate.statement,
    }


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def stand(
    contest: Contest,
    resident: Resident,
    *,
    by: Any,
    statement: str = "",
    nominated_by: Resident | None = None,
) -> Candidate:
    """Register ``resident`` as a candidate for ``contest``, during the candidacy period:
    themselves (``nominated_by`` None), or nominated by the acting user's resident. Refused
    with every reason of :func:`refusals` at once. Records ``election.candidacy``."""
    actor = actor_label(by)
    election = contest.election.locked()
    contest = Contest.objects.select_related("organ").get(pk=contest.pk)
    contest.election = election
    if election.phase() != ElectionPhase.CANDIDACY:
        raise refuse(_("Candidacies are not open in this election now."))
    me = _resident_of(by)
    if not isinstance(by, SystemActor):
        if nominated_by is None and (me is None or me.pk != resident.pk):
            raise refuse(_("Only the resident themselves registers their own candidacy."))
        if nominated_by is not None and (me is None or me.pk != nominated_by.pk):
            raise refuse(_("A nomination is made in the nominating resident's own name."))
        if not _is_resident(by, election):
            raise refuse(_("Only residents of this body stand or nominate candidates."))
    if nominated_by is not None and nominated_by.pk == resident.pk:
        nominated_by = None
    resident = Resident.objects.get(pk=resident.pk)
    found = refusals(resident, contest)
    if found:
        error = refuse(" ".join(describe(r) for r in found), "resident")
        error.refusals = found
        raise error
    statement = (statement or "").strip()
    if len(statement) > 5000:
        raise refuse(_("The statement has at most 5000 characters."), "statement")
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                contest=contest, resident=resident, nominated_by=nominated_by, statement=statement
            )
    except IntegrityError:
        raise refuse(
            describe(Refusal("already_standing", {"name": str(resident), "organ": contest.organ}))
        ) from None
    record(
        election.body.ledger_chain,
        "election.candidacy",
        _candidate_payload(candidate),
        actor=actor,
    )
    return candidate


def _locked_candidate(candidate: Candidate) -> tuple[Candidate, Election]:
    election = Election.objects.get(contests__candidates=candidate).locked()
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("contest", "resident")
        .get(pk=candidate.pk)
    )
    return candidate, election


@transaction.atomic
def withdraw(candidate: Candidate, *, reason: str, by: Any) -> Candidate:
    """Withdraw a standing candidacy before the vote: by the candidate themselves or by the
    electoral commission, saying why. Records ``election.withdrawn``."""
    actor = actor_label(by)
    candidate, election = _locked_candidate(candidate)
    if election.phase() not in WITHDRAWABLE:
        raise refuse(_("A candidacy can be withdrawn only between registration and the vote."))
    if candidate.status != CandidateStatus.STANDING:
        raise refuse(_("This candidacy is no longer standing."))
    me = _resident_of(by)
    own = me is not None and me.pk == candidate.resident_id
    if not own and not _is_commission(by, election):
        raise refuse(
            _("Only the candidate themselves or the electoral commission withdraws a candidacy.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise refuse(_("Say why the candidacy is withdrawn."), "reason")
    candidate.status = CandidateStatus.WITHDRAWN
    candidate.reason = reason[:300]
    candidate.save(update_fields=["status", "reason"])
    record(
        election.body.ledger_chain,
        "election.withdrawn",
        {
            "election": election.pk,
            "candidate": candidate.pk,
            "resident": candidate.resident_id,
            "reason": candidate.reason,
            "by_candidate": own,
        },
        actor=actor,
    )
    return candidate


@transaction.atomic
def object_to(candidate: Candidate, *, grounds: str, by: Any) -> Objection:
    """A resident objects to a standing candidacy during the objections period, giving the
    grounds. Records ``election.objection``."""
    actor = actor_label(by)
    candidate, election = _locked_candidate(candidate)
    if election.phase() != ElectionPhase.OBJECTIONS:
        raise refuse(_("Objections are filed only during the objections period."))
    if candidate.status != CandidateStatus.STANDING:
        raise refuse(_("This candidacy is no longer standing."))
    me = _resident_of(by)
    if me is None or not _is_resident(by, election):
        raise refuse(_("Only residents of this body file objections."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise refuse(_("Give the grounds of the objection."), "grounds")
    if len(grounds) > 5000:
        raise refuse(_("The grounds have at most 5000 characters."), "grounds")
    objection = Objection.objects.create(candidate=candidate, filed_by=me, grounds=grounds)
    record(
        election.body.ledger_chain,
        "election.objection",
        {
            "election": election.pk,
            "candidate": candidate.pk,
            "objection": objection.pk,
            "filed_by": me.pk,
            "grounds": grounds,
        },
        actor=actor,
    )
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, upheld: bool, reason: str, by: Any) -> Objection:
    """The electoral commission decides an objection, giving its reasons; upheld, the
    candidacy is disqualified (off the ballot). Records ``election.objection_decided``."""
    actor = actor_label(by)
    objection = Objection.objects.select_related("candidate").get(pk=objection.pk)
    candidate, election = _locked_candidate(objection.candidate)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if election.phase() not in DECIDABLE:
        raise refuse(_("Objections are decided before the vote opens."))
    if objection.status != ObjectionStatus.FILED:
        raise refuse(_("This objection is already decided."))
    if not _is_commission(by, election):
        raise refuse(_("Only the electoral commission decides objections."))
    reason = (reason or "").strip()
    if not reason:
        raise refuse(_("Give the reasons of the decision."), "reason")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.decision_reason = reason
    objection.decided_by = None if isinstance(by, SystemActor) else by
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    if upheld and candidate.status == CandidateStatus.STANDING:
        candidate.status = CandidateStatus.DISQUALIFIED
        candidate.reason = reason[:300]
        candidate.save(update_fields=["status", "reason"])
    record(
        election.body.ledger_chain,
        "election.objection_decided",
        {
            "election": election.pk,
            "candidate": candidate.pk,
            "objection": objection.pk,
            "upheld": bool(upheld),
            "reason": reason,
            "candidate_status": candidate.status,
        },
        actor=actor,
    )
    return objection


# --- ledger verify --------------------------------------------------------------------------


def _candidate_of(entry) -> tuple[Candidate | None, str | None]:
    _election, problem = election_of(entry)
    if problem:
        return None, problem
    candidate = (
        Candidate.objects.select_related("contest")
        .filter(pk=entry.data.get("candidate"), contest__election_id=entry.data.get("election"))
        .first()
    )
    if candidate is None:
        return None, _("candidate %(candidate)s is missing from the database") % {
            "candidate": entry.data.get("candidate")
        }
    return candidate, None


def check_candidacy(entry) -> str | None:
    """The candidacy as registered: its contest, resident, nominator and statement."""
    candidate, problem = _candidate_of(entry)
    if candidate is None:
        return problem
    return differs(_("candidate"), candidate.pk, entry.data, _candidate_payload(candidate))


def check_withdrawn(entry) -> str | None:
    candidate, problem = _candidate_of(entry)
    if candidate is None:
        return problem
    now = {
        "resident": candidate.resident_id,
        "reason": candidate.reason,
        "status": candidate.status,
    }
    recorded = {**entry.data, "status": CandidateStatus.WITHDRAWN}
    return differs(_("candidate"), candidate.pk, recorded, now)


def check_objection(entry) -> str | None:
    candidate, problem = _candidate_of(entry)
    if candidate is None:
        return problem
    objection = Objection.objects.filter(pk=entry.data.get("objection")).first()
    if objection is None:
        return _("objection %(id)s is missing from the database") % {
            "id": entry.data.get("objection")
        }
    now = {
        "candidate": objection.candidate_id,
        "filed_by": objection.filed_by_id,
        "grounds": objection.grounds,
    }
    return differs(_("objection"), objection.pk, entry.data, now)


def check_objection_decided(entry) -> str | None:
    candidate, problem = _candidate_of(entry)
    if candidate is None:
        return problem
    objection = Objection.objects.filter(pk=entry.data.get("objection")).first()
    if objection is None:
        return _("objection %(id)s is missing from the database") % {
            "id": entry.data.get("objection")
        }
    now = {
        "candidate": objection.candidate_id,
        "upheld": objection.status == ObjectionStatus.UPHELD,
        "reason": objection.decision_reason,
        "decided": objection.status != ObjectionStatus.FILED,
    }
    problem = differs(_("objection"), objection.pk, {**entry.data, "decided": True}, now)
    if problem is None and entry.data.get("candidate_status") == CandidateStatus.DISQUALIFIED:
        if candidate.status != CandidateStatus.DISQUALIFIED:
            return differs(
                _("candidate"),
                candidate.pk,
                {"status": CandidateStatus.DISQUALIFIED},
                {"status": candidate.status},
            )
    return problem


LEDGER_CHECKS: dict = {
    "election.candidacy": (check_candidacy, gettext_lazy("Candidacy registered")),
    "election.withdrawn": (check_withdrawn, gettext_lazy("Candidacy withdrawn")),
    "election.objection": (check_objection, gettext_lazy("Objection to a candidacy")),
    "election.objection_decided": (
        check_objection_decided,
        gettext_lazy("Objection decided"),
    ),
}

__all__ = [
    "MandateError",
    "Refusal",
    "decide_objection",
    "describe",
    "object_to",
    "refusals",
    "stand",
    "withdraw",
]
