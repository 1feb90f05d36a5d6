"""Delegations: a member's own assembly elects its spokesperson and substitute to its seat in
the parliament of the body it federates into, and recalls them at any time.

The member's electoral commission puts the election or the recall to the member's citizens'
assembly (as it puts instructions and recall votes: ``mandates.rules``), in session or on a
coming one's agenda. Carried (:func:`on_decided`, in the decision's transaction): an election
ends the seat's mandates in force and confers the new ones (the parliament body's statute
gives the term), ``parliament.spokesperson_elected``; a recall ends the spokesperson's mandate
and seats the seat's substitute, ``parliament.spokesperson_recalled``. Both on the parliament
body's chain; the member's chain keeps ``parliament.delegation_proposed``,
``parliament.delegation_decided`` and ``parliament.delegation_lapsed`` (a proposal whose
assembly ended without deciding it lapses when the next one for the seat is made).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies.models import Motion, Outcome, Status
from comuna.federation import parliament
from comuna.federation.errors import FederationError
from comuna.federation.models import Decision, Delegation, DelegationKind
from comuna.federation.parliament import decided_as, differs
from comuna.federation.parliament_rules import ParliamentAction
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.territory import census
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import (
    BodyKind,
    Mandate,
    MandateKind,
    OrganKind,
    Resident,
    Seat,
    SeatSector,
)
from comuna.territory.services import end_mandate
from comuna.territory.services import replace_by_substitute as seat_substitute

REASON_MAX = 300


def _seat(seat: Seat) -> Seat:
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("organ__body", "member")
        .get(pk=seat.pk)
    )
    if (
        seat.organ.kind != OrganKind.PARLIAMENT
        or seat.sector != SeatSector.MEMBER
        or seat.member_id is None
    ):
        raise FederationError(_("This seat is not a member's seat in a parliament."))
    return seat


def _lapse_stale(seat: Seat, actor: str, kind: str) -> None:
    """Proposals for the seat whose assembly ended (or failed) without deciding them lapse; one
    of the same kind still waiting for its assembly refuses another (a recall never waits for
    an election: the member recalls its spokesperson at any time)."""
    waiting = Delegation.objects.select_for_update(of=("self",)).filter(
        seat=seat, status=Decision.PROPOSED
    )
    for found in waiting.select_related("motion__item__assembly", "member"):
        if parliament.pending(found.motion):
            if found.kind != kind:
                continue
            raise FederationError(
                _("The assembly of %(member)s has yet to decide “%(text)s”.")
                % {"member": found.member.name, "text": found.motion.text[:120]}
            )
        parliament.lapse(
            found, kind="parliament.delegation_lapsed", payload=lapsed_payload, actor=actor
        )


def eligible(member):
    """Who ``member``'s assembly may send to the parliament above: a council's voters; for a
    body of members (a commune sending to its city), its own spokespersons in office, whose
    names are public, so that choosing one never lists its councils' registers."""
    if member.kind == BodyKind.COUNCIL or not member.children.exists():
        return census.register(member)
    return Resident.objects.filter(
        pk__in=Mandate.objects.active()
        .filter(body=member, kind=MandateKind.SPOKESPERSON)
        .values("resident_id")
    )


def _voter(member, resident: Resident | None, field: str) -> Resident:
    if resident is None:
        raise FederationError(_("Choose a resident."), field=field)
    if not eligible(member).filter(pk=resident.pk).exists():
        message = (
            _("%(name)s is not on the electoral register of %(member)s.")
            if member.kind == BodyKind.COUNCIL or not member.children.exists()
            else _("%(name)s is not a spokesperson in office of %(member)s.")
        )
        raise FederationError(message % {"name": resident, "member": member.name}, field=field)
    return resident


def proposed_payload(delegation: Delegation) -> dict[str, Any]:
    item = delegation.motion.item
    return {
        "delegation": delegation.pk,
        "member": delegation.member.slug,
        "seat": delegation.seat_id,
        "body": delegation.seat.organ.body.slug,
        "kind": delegation.kind,
        "principal": delegation.principal_id,
        "substitute": delegation.substitute_id,
        "mandate": delegation.mandate_id,
        "reason": delegation.reason,
        "assembly": item.assembly_id,
        "item": item.pk,
        "motion": delegation.motion_id,
    }


@transaction.atomic
def propose_election(
    seat: Seat, *, principal: Resident, substitute: Resident, assembly, by: Any
) -> Delegation:
    """Put to the member's assembly (``assembly``: in session, or coming with its agenda still
    open) the election of ``principal`` as its spokesperson in the seat and ``substitute`` as
    substitute; both voters of the member."""
    actor = actor_label(by)
    seat = _seat(seat)
    member = seat.member
    parliament.require(by, ParliamentAction.ELECT, member, member)
    principal = _voter(member, principal, "principal")
    substitute = _voter(member, substitute, "substitute")
    if principal.pk == substitute.pk:
        raise FederationError(
            _("The spokesperson and the substitute are two different people."), field="substitute"
        )
    _lapse_stale(seat, actor, DelegationKind.ELECT)
    organ, body = seat.organ, seat.organ.body
    text = site_language(
        gettext_lazy(
            "Elect %(principal)s spokesperson of %(member)s in the %(organ)s of %(body)s, "
            "with %(substitute)s as substitute"
        )
    ) % {
        "principal": principal,
        "member": member.name,
        "organ": organ.name,
        "body": body.name,
        "substitute": substitute,
    }
    return _put(
        seat,
        assembly,
        text=text,
        by=by,
        kind=DelegationKind.ELECT,
        principal=principal,
        substitute=substitute,
    )


@transaction.atomic
def propose_recall(mandate: Mandate, *, assembly, reason: str, by: Any) -> Delegation:
    """Put to the member's assembly the recall of its spokesperson (``mandate``, in office on
    the member's seat), saying why; carried, the seat's substitute takes it."""
    actor = actor_label(by)
    mandate = Mandate.objects.select_related("resident", "seat").get(pk=mandate.pk)
    if mandate.kind != MandateKind.SPOKESPERSON or mandate.seat_id is None:
        raise FederationError(_("Only a spokesperson holding a member's seat is recalled here."))
    seat = _seat(mandate.seat)
    parliament.require(by, ParliamentAction.RECALL, seat.member, seat.member)
    if not mandate.is_active():
        raise FederationError(
            _("%(name)s is not in office: the mandate is not in force today.")
            % {"name": mandate.resident}
        )
    reason = (reason or "").strip()
    if not reason:
        raise FederationError(_("Say why the spokesperson is recalled."), field="reason")
    if len(reason) > REASON_MAX:
        raise FederationError(_("At most %(n)s characters.") % {"n": REASON_MAX}, field="reason")
    _lapse_stale(seat, actor, DelegationKind.RECALL)
    member = seat.member
    text = site_language(
        gettext_lazy("Recall %(name)s, spokesperson of %(member)s in the %(organ)s of %(body)s")
    ) % {
        "name": mandate.resident,
        "member": member.name,
        "organ": seat.organ.name,
        "body": seat.organ.body.name,
    }
    return _put(
        seat, assembly, text=text, by=by, kind=DelegationKind.RECALL, mandate=mandate, reason=reason
    )


def _put(seat: Seat, assembly, *, text: str, by: Any, **fields: Any) -> Delegation:
    """The election or recall as a motion of the seat's member's assembly, and its entry."""
    motion = parliament.put_to_assembly(
        assembly,
        seat.member,
        text=text,
        description=fields.get("reason", ""),
        why=parliament.WHY_MEMBER,
        by=by,
    )
    delegation = Delegation.objects.create(
        seat=seat, member=seat.member, motion=motion, created_by=acting_user(by), **fields
    )
    record(
        seat.member.ledger_chain,
        "parliament.delegation_proposed",
        proposed_payload(delegation),
        actor=actor_label(by),
    )
    return delegation


# --- the member's assembly decided ----------------------------------------------------------


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    """A carried election seats the new spokesperson and substitute; a carried recall ends the
    spokesperson's mandate and seats the substitute; either way the delegation is decided."""
    found = Delegation.objects.filter(motion=motion).first()
    if found is None:
        return
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("seat__organ__body", "member", "principal", "substitute", "mandate")
        .get(pk=found.pk)
    )
    if delegation.status != Decision.PROPOSED:
        return
    delegation.status = Decision.CARRIED if motion.outcome == Outcome.CARRIED else Decision.REJECTED
    delegation.decided_at = motion.decided_at or timezone.now()
    delegation.save(update_fields=["status", "decided_at"])
    record(
        delegation.member.ledger_chain,
        "parliament.delegation_decided",
        decided_payload(delegation),
        actor=actor,
    )
    if delegation.status != Decision.CARRIED:
        return
    by = _system(actor)
    if delegation.kind == DelegationKind.ELECT:
        _seat_elected(delegation, by, actor)
    else:
        _recall(delegation, by, actor)


def _system(actor: str) -> Any:
    """Who decided, from the ledger's label the decision passes on: a user, or a system actor
    (the mandates it changes are recorded under the same label)."""
    kind, _sep, name = actor.partition(":")
    if kind == "user":
        return get_user_model().objects.get(pk=int(name))
    return SystemActor(name)


def _seat_elected(delegation: Delegation, by, actor: str) -> None:
    seat, body = delegation.seat, delegation.seat.organ.body
    today = timezone.localdate(delegation.decided_at)
    reason = site_language(
        gettext_lazy("The assembly of %(member)s elected another spokesperson.")
    ) % {"member": delegation.member.name}
    ended, made = parliament.reseat(
        seat,
        [
            (delegation.principal, MandateKind.SPOKESPERSON),
            (delegation.substitute, MandateKind.SUBSTITUTE),
        ],
        on=today,
        reason=reason,
        by=by,
    )
    record(
        body.ledger_chain,
        "parliament.spokesperson_elected",
        {
            "body": body.slug,
            "delegation": delegation.pk,
            "member": delegation.member.slug,
            "seat": seat.pk,
            "ended": ended,
            "principal": made[0].pk,
            "substitute": made[1].pk,
        },
        actor=actor,
    )
    parliament.follow_seats(seat.organ, actor=actor)


def _recall(delegation: Delegation, by, actor: str) -> None:
    seat, body = delegation.seat, delegation.seat.organ.body
    today = timezone.localdate(delegation.decided_at)
    mandate = delegation.mandate
    reason = site_language(gettext_lazy("Recalled by the assembly of %(member)s.")) % {
        "member": delegation.member.name
    }
    seated = None
    if not mandate.is_active(today):
        return  # ended meanwhile (an election, a resignation): nothing left to recall
    has_substitute = (
        Mandate.objects.active(today).filter(seat=seat, kind=MandateKind.SUBSTITUTE).exists()
    )
    if has_substitute:
        seated = seat_substitute(mandate, on=today, reason=reason, by=by)
    else:
        end_mandate(mandate, on=today, reason=reason, by=by)
    record(
        body.ledger_chain,
        "parliament.spokesperson_recalled",
        {
            "body": body.slug,
            "delegation": delegation.pk,
            "member": delegation.member.slug,
            "seat": seat.pk,
            "recalled": mandate.pk,
            "seated": seated.pk if seated else None,
        },
        actor=actor,
    )
    parliament.follow_seats(seat.organ, actor=actor)


def decided_payload(delegation: Delegation) -> dict[str, Any]:
    return {
        "delegation": delegation.pk,
        "member": delegation.member.slug,
        "kind": delegation.kind,
        "motion": delegation.motion_id,
        "status": delegation.status,
    }


def lapsed_payload(delegation: Delegation) -> dict[str, Any]:
    return {
        "delegation": delegation.pk,
        "member": delegation.member.slug,
        "motion": delegation.motion_id,
        "assembly": delegation.motion.item.assembly_id,
    }


# --- ledger checks ---------------------------------------------------------------------------


def _delegation_of(entry) -> tuple[Delegation | None, str | None]:
    pk = entry.data.get("delegation")
    found = (
        Delegation.objects.select_related(
            "member", "seat__organ__body", "motion__item__assembly", "mandate"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return None, _("delegation %(pk)s is missing from the database") % {"pk": pk}
    return found, None


def _member_chain(entry, delegation: Delegation) -> str | None:
    if delegation.member.ledger_chain != entry.chain:
        return _("delegation %(pk)s belongs to another body") % {"pk": delegation.pk}
    return None


def check_proposed(entry) -> str | None:
    delegation, problem = _delegation_of(entry)
    if delegation is None:
        return problem
    what = _("delegation %(pk)s") % {"pk": delegation.pk}
    return _member_chain(entry, delegation) or differs(
        what, proposed_payload(delegation), entry.data
    )


def check_decided(entry) -> str | None:
    delegation, problem = _delegation_of(entry)
    if delegation is None:
        return problem
    found = _member_chain(entry, delegation)
    if found:
        return found
    if decided_as(delegation.motion) != delegation.status:
        return _("delegation %(pk)s: its status is not its motion's decision") % {
            "pk": delegation.pk
        }
    return differs(
        _("delegation %(pk)s") % {"pk": delegation.pk}, decided_payload(delegation), entry.data
    )


def check_lapsed(entry) -> str | None:
    delegation, problem = _delegation_of(entry)
    if delegation is None:
        return problem
    if delegation.status != Decision.LAPSED or delegation.motion.item.assembly.status in (
        Status.CONVENED,
        Status.IN_SESSION,
    ):
        return _("delegation %(pk)s lapsed, but it says otherwise") % {"pk": delegation.pk}
    return _member_chain(entry, delegation)


def check_elected(entry) -> str | None:
    """The election carried, and the seat was given to its spokesperson and substitute from
    the day it was decided."""
    delegation, problem = _delegation_of(entry)
    if delegation is None:
        return problem
    data = entry.data
    if delegation.seat.organ.body.ledger_chain != entry.chain:
        return _("delegation %(pk)s is of another body's parliament") % {"pk": delegation.pk}
    if delegation.status != Decision.CARRIED or delegation.kind != DelegationKind.ELECT:
        return _("delegation %(pk)s was not a carried election") % {"pk": delegation.pk}
    day = timezone.localdate(delegation.decided_at)
    for key, resident, kind in (
        ("principal", delegation.principal_id, MandateKind.SPOKESPERSON),
        ("substitute", delegation.substitute_id, MandateKind.SUBSTITUTE),
    ):
        if not Mandate.objects.filter(
            pk=data.get(key),
            seat=delegation.seat,
            resident_id=resident,
            kind=kind,
            starts_on=day,
        ).exists():
            return _("the %(key)s the election of delegation %(pk)s seated differs") % {
                "key": key,
                "pk": delegation.pk,
            }
    for pk in data.get("ended", []):
        if not Mandate.objects.filter(pk=pk, seat=delegation.seat, ends_on=day).exists():
            return _("mandate %(pk)s did not end with the election") % {"pk": pk}
    return None


def check_recalled(entry) -> str | None:
    """The recall carried, and the recalled mandate ended on the day it was decided (the
    substitute seated from then, if one was recorded)."""
    delegation, problem = _delegation_of(entry)
    if delegation is None:
        return problem
    data = entry.data
    if delegation.seat.organ.body.ledger_chain != entry.chain:
        return _("delegation %(pk)s is of another body's parliament") % {"pk": delegation.pk}
    if delegation.status != Decision.CARRIED or delegation.kind != DelegationKind.RECALL:
        return _("delegation %(pk)s was not a carried recall") % {"pk": delegation.pk}
    day = timezone.localdate(delegation.decided_at)
    if delegation.mandate_id != data.get("recalled") or delegation.mandate.ends_on != day:
        return _("the mandate recalled by delegation %(pk)s is still in force") % {
            "pk": delegation.pk
        }
    seated = data.get("seated")
    if (
        seated is not None
        and not Mandate.objects.filter(
            pk=seated, seat=delegation.seat, kind=MandateKind.SPOKESPERSON, starts_on=day
        ).exists()
    ):
        return _("the substitute seated by delegation %(pk)s differs") % {"pk": delegation.pk}
    return None


LEDGER_CHECKS: dict = {
    "parliament.seats_declared": (
        parliament.check_seats_declared,
        gettext_lazy("Parliament: seats declared"),
    ),
    parliament.REGISTER_CHANGED: (
        parliament.check_register_changed,
        gettext_lazy("Parliament: a coming session's register follows its seats"),
    ),
    "parliament.delegation_proposed": (
        check_proposed,
        gettext_lazy("Parliament: an election or recall put to a member's assembly"),
    ),
    "parliament.delegation_decided": (
        check_decided,
        gettext_lazy("Parliament: a member's assembly decided an election or recall"),
    ),
    "parliament.delegation_lapsed": (
        check_lapsed,
        gettext_lazy("Parliament: an election or recall lapsed"),
    ),
    "parliament.spokesperson_elected": (
        check_elected,
        gettext_lazy("Parliament: spokesperson elected by a member"),
    ),
    "parliament.spokesperson_recalled": (
        check_recalled,
        gettext_lazy("Parliament: spokesperson recalled by a member"),
    ),
}
CHAIN_CHECKS: dict = {"parliament.named_votes": parliament.check_named_votes}
