"""Ratifications: a member requires that a decision of its parliament be ratified by its own
citizens' assembly before it binds the member. Until that assembly carries it, the decision
is "not yet binding" on the member; rejected, it "does not bind" the member.

The member's electoral commission or coordination collective requires it (as they put other
items to the member's assembly). Ledger, on the member's chain:
``parliament.ratification_required``, then ``parliament.ratified`` or
``parliament.ratification_rejected``.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies.models import Motion, Outcome
from comuna.federation import parliament
from comuna.federation.errors import FederationError
from comuna.federation.models import Decision, Ratification
from comuna.federation.parliament import decided_as, differs
from comuna.federation.parliament_rules import ParliamentAction
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body


class Binding:
    """Whether a parliament decision binds a member (values the pages and the API show)."""

    BINDS = "binds"
    PENDING = "not_yet_binding"
    REJECTED = "does_not_bind"


@transaction.atomic
def require_ratification(decision: Motion, member: Body, assembly, *, by: Any) -> Ratification:
    """``member`` requires its assembly (``assembly``: in session, or coming) to ratify
    ``decision``, a carried motion of a session of the parliament it sits in."""
    actor = actor_label(by)
    parliament.require(by, ParliamentAction.RATIFY, member, member)
    decision = (
        Motion.objects.select_for_update(of=("self",))
        .select_related("item__assembly__body", "item__assembly__organ")
        .get(pk=decision.pk)
    )
    session = decision.item.assembly
    if session.organ_id is None:
        raise FederationError(_("Only a decision of a parliament session is ratified."))
    if decision.outcome != Outcome.CARRIED:
        raise FederationError(_("Only a carried decision binds, so only it is ratified."))
    if not session.organ.seat_rows.filter(member=member).exists():
        raise FederationError(
            _("%(member)s has no seat in the %(organ)s.")
            % {"member": member.name, "organ": session.organ.name}
        )
    _lapse_stale(decision, member, actor)
    if (
        Ratification.objects.filter(decision=decision, member=member)
        .exclude(status=Decision.LAPSED)
        .exists()
    ):
        raise FederationError(
            _("%(member)s already requires this decision to be ratified.") % {"member": member.name}
        )
    text = site_language(
        gettext_lazy("Ratify the decision of the %(organ)s of %(body)s: %(text)s")
    ) % {"organ": session.organ.name, "body": session.body.name, "text": decision.text}
    motion = parliament.put_to_assembly(
        assembly, member, text=text, description="", why=parliament.WHY_MEMBER, by=by
    )
    try:
        with transaction.atomic():
            ratification = Ratification.objects.create(
                decision=decision, member=member, motion=motion, created_by=acting_user(by)
            )
    except IntegrityError:
        raise FederationError(
            _("%(member)s already requires this decision to be ratified.") % {"member": member.name}
        ) from None
    record(
        member.ledger_chain,
        "parliament.ratification_required",
        required_payload(ratification),
        actor=actor,
    )
    return ratification


def _lapse_stale(decision: Motion, member: Body, actor: str) -> None:
    """A request whose assembly ended (or failed) without deciding it lapses, so the member
    may put it to another assembly; the decision stays not yet binding on the member until
    one ratifies it (``parliament.ratification_lapsed``)."""
    waiting = Ratification.objects.select_for_update(of=("self",)).filter(
        decision=decision, member=member, status=Decision.PROPOSED
    )
    for found in waiting.select_related("member", "motion__item__assembly"):
        if parliament.pending(found.motion):
            continue  # still to be decided: refused as already required
        parliament.lapse(
            found, kind="parliament.ratification_lapsed", payload=decided_payload, actor=actor
        )


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    found = Ratification.objects.filter(motion=motion).first()
    if found is None:
        return
    ratification = (
        Ratification.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=found.pk)
    )
    if ratification.status != Decision.PROPOSED:
        return
    carried = motion.outcome == Outcome.CARRIED
    ratification.status = Decision.CARRIED if carried else Decision.REJECTED
    ratification.decided_at = motion.decided_at or timezone.now()
    ratification.save(update_fields=["status", "decided_at"])
    record(
        ratification.member.ledger_chain,
        "parliament.ratified" if carried else "parliament.ratification_rejected",
        decided_payload(ratification),
        actor=actor,
    )


def binding(ratification: Ratification | None) -> str:
    if ratification is None or ratification.status == Decision.CARRIED:
        return Binding.BINDS
    if ratification.status == Decision.REJECTED:
        return Binding.REJECTED
    return Binding.PENDING


def required_payload(ratification: Ratification) -> dict[str, Any]:
    return {
        "ratification": ratification.pk,
        "decision": ratification.decision_id,
        "member": ratification.member.slug,
        "motion": ratification.motion_id,
        "assembly": ratification.motion.item.assembly_id,
    }


def decided_payload(ratification: Ratification) -> dict[str, Any]:
    return {**required_payload(ratification), "status": ratification.status}


def _check(entry, decided: bool) -> str | None:
    pk = entry.data.get("ratification")
    ratification = (
        Ratification.objects.select_related("member", "motion__item", "decision")
        .filter(pk=pk)
        .first()
    )
    if ratification is None:
        return _("ratification %(pk)s is missing from the database") % {"pk": pk}
    if ratification.member.ledger_chain != entry.chain:
        return _("ratification %(pk)s belongs to another body") % {"pk": pk}
    now = decided_payload(ratification) if decided else required_payload(ratification)
    found = differs(_("ratification %(pk)s") % {"pk": pk}, now, entry.data)
    if found:
        return found
    if decided:
        expected = decided_as(ratification.motion)
        if entry.kind == "parliament.ratification_lapsed":
            if expected is not None or ratification.status != Decision.LAPSED:
                return _("ratification %(pk)s lapsed, but its motion was decided") % {"pk": pk}
            return None
        kind = (
            "parliament.ratified"
            if expected == Decision.CARRIED
            else ("parliament.ratification_rejected")
        )
        if expected != ratification.status or kind != entry.kind:
            return _("ratification %(pk)s: its status is not its motion's decision") % {"pk": pk}
    return None


def check_required(entry) -> str | None:
    return _check(entry, decided=False)


def check_decided(entry) -> str | None:
    return _check(entry, decided=True)


LEDGER_CHECKS: dict = {
    "parliament.ratification_required": (
        check_required,
        gettext_lazy("Parliament: a member requires its assembly to ratify a decision"),
    ),
    "parliament.ratified": (
        check_decided,
        gettext_lazy("Parliament: a member's assembly ratified a decision"),
    ),
    "parliament.ratification_rejected": (
        check_decided,
        gettext_lazy("Parliament: a member's assembly did not ratify a decision"),
    ),
    "parliament.ratification_lapsed": (
        check_decided,
        gettext_lazy("Parliament: a member's assembly ended without deciding a ratification"),
    ),
}
