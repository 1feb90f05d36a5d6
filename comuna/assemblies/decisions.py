"""Decisions: motions on agenda items (amendments decided before the motion they amend), by
show of hands, by secret ballot online (a voting.Poll), or both merged without counting anyone
twice; the majority each item asks for, under the statute version of the assembly; refused
without quorum.

The core (``propose_motion``, ``decide_by_hands``, ``majority_reached`` and the
``assembly.decision`` entry and its check) is the contract the other parts build on: the
minutes' approval is a motion decided here. [Owned by the decisions part of the capability.]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import attendance
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Majority,
    Method,
    Motion,
    Outcome,
    Status,
)
from comuna.ledger import record
from comuna.territory.actors import actor_label
from comuna.territory.models import StatuteVersion


def majority_reached(
    majority: str,
    *,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    present: int,
    register_size: int,
    statute: StatuteVersion,
) -> bool:
    """Whether ``votes_for`` carries a motion asking for ``majority``, exactly.

    - simple: more than the statute's share (``decision_majority_pct``, 50% by default) of
      those present; abstaining counts as present and not for, as the 2009 law counts;
    - absolute: more than half of the register frozen at convening;
    - two thirds: at least two thirds of those present.
    """
    if majority == Majority.SIMPLE:
        return statute.majority_reached(votes_for, present)
    if majority == Majority.ABSOLUTE:
        return Fraction(votes_for) > Fraction(register_size, 2)
    if majority == Majority.TWO_THIRDS:
        return present > 0 and Fraction(votes_for) >= Fraction(2 * present, 3)
    raise ValueError(f"agenda items asking for {majority!r} take no vote")


def chain(assembly: Assembly) -> str:
    return assembly.body.ledger_chain


def _locked(assembly: Assembly) -> Assembly:
    return (
        Assembly.objects.select_for_update().select_related("body", "statute").get(pk=assembly.pk)
    )


@transaction.atomic
def propose_motion(
    item: AgendaItem,
    *,
    text: str,
    method: str = Method.HANDS,
    amends: Motion | None = None,
    by: Any,
) -> Motion:
    """Put a motion (or an amendment of a motion) on an item of an assembly in session."""
    actor_label(by)
    assembly = _locked(item.assembly)
    text = (text or "").strip()
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Motions are put while the assembly is in session."))
    if item.withdrawn:
        raise AssemblyError(_("This item was withdrawn from the agenda."))
    if item.majority == Majority.NONE:
        raise AssemblyError(_("This item is for information only: it takes no vote."))
    if not text:
        raise AssemblyError({"text": [_("Write the motion.")]})
    if method not in Method.values:
        raise AssemblyError({"method": [_("Choose how the motion is decided.")]})
    if amends is not None:
        if amends.item_id != item.pk:
            raise AssemblyError(_("An amendment amends a motion of the same item."))
        if amends.outcome != Outcome.PENDING:
            raise AssemblyError(_("That motion is already decided: it can no longer be amended."))
    return Motion.objects.create(item=item, text=text, method=method, amends=amends)


def _check_counts(
    assembly: Assembly, votes_for: int, votes_against: int, abstentions: int, present: int
) -> None:
    counts = {"votes_for": votes_for, "votes_against": votes_against, "abstentions": abstentions}
    for field, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AssemblyError({field: [_("Enter a whole number, 0 or more.")]})
    total = votes_for + votes_against + abstentions
    if total > present:
        raise AssemblyError(
            _(
                "The counts add up to %(total)s, but only %(present)s people are present: "
                "nobody votes twice."
            )
            % {"total": total, "present": present}
        )


@transaction.atomic
def decide_by_hands(
    motion: Motion, *, votes_for: int, votes_against: int, abstentions: int, by: Any
) -> Motion:
    """Record a show of hands on ``motion`` and decide it: carried or rejected by the majority
    its item asks for. Refused without quorum, with counts above the attendance, on a decided
    motion (a second entry of the same counts), or before its pending amendments."""
    actor = actor_label(by)
    motion = Motion.objects.select_for_update().select_related("item").get(pk=motion.pk)
    assembly = _locked(motion.item.assembly)
    if motion.method != Method.HANDS:
        raise AssemblyError(_("This motion is decided by secret ballot, not by show of hands."))
    return _decide(
        assembly,
        motion,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        actor=actor,
    )


def _decide(
    assembly: Assembly,
    motion: Motion,
    *,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> Motion:
    """Decide ``motion`` from its final counts (the caller holds the assembly's lock) and write
    the ``assembly.decision`` entry."""
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Decisions are taken while the assembly is in session."))
    if motion.outcome != Outcome.PENDING:
        raise AssemblyError(
            _("This motion was already decided; its counts cannot be entered again.")
        )
    if motion.amendments.filter(outcome=Outcome.PENDING).exists():
        raise AssemblyError(_("Decide the amendments to this motion first."))
    quorum = attendance.quorum(assembly)
    if not quorum.met:
        raise AssemblyError(
            _(
                "No binding decision can be taken without quorum: %(present)s present, "
                "%(required)s needed (%(call)s)."
            )
            % {
                "present": quorum.present,
                "required": quorum.required,
                "call": assembly.get_call_display(),
            }
        )
    _check_counts(assembly, votes_for, votes_against, abstentions, quorum.present)
    carried = majority_reached(
        motion.item.majority,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        present=quorum.present,
        register_size=quorum.register_size,
        statute=assembly.statute,
    )
    motion.votes_for, motion.votes_against, motion.abstentions = (
        votes_for,
        votes_against,
        abstentions,
    )
    motion.present, motion.quorum_required = quorum.present, quorum.required
    motion.outcome = Outcome.CARRIED if carried else Outcome.REJECTED
    motion.decided_at = timezone.now()
    entry = record(
        chain(assembly),
        "assembly.decision",
        {**decision_payload(motion), **(extra or {})},
        actor=actor,
    )
    motion.decision_entry = entry.seq
    motion.save()
    return motion


def decision_payload(motion: Motion) -> dict[str, Any]:
    """What the ``assembly.decision`` entry records of a decided motion."""
    item = motion.item
    assembly = item.assembly
    return {
        "body": assembly.body.slug,
        "assembly": assembly.pk,
        "item": item.pk,
        "motion": motion.pk,
        "amends": motion.amends_id,
        "text": motion.text,
        "method": motion.method,
        "majority": item.majority,
        "votes_for": motion.votes_for,
        "votes_against": motion.votes_against,
        "abstentions": motion.abstentions,
        "present": motion.present,
        "register_size": assembly.register_size,
        "quorum_required": motion.quorum_required,
        "call": assembly.call,
        "statute_version": assembly.statute.number,
        "outcome": motion.outcome,
    }


def check_decision(entry) -> str | None:
    """``ledger verify``: the motion is in the database as decided, and its outcome follows
    from its counts under the majority and statute version recorded."""
    data = entry.data
    motion = (
        Motion.objects.select_related("item__assembly__body", "item__assembly__statute")
        .filter(pk=data.get("motion"))
        .first()
    )
    if motion is None:
        return _("motion %(motion)s is missing from the database") % {"motion": data.get("motion")}
    assembly = motion.item.assembly
    if assembly.body.ledger_chain != entry.chain:
        return _("motion %(motion)s belongs to another body") % {"motion": motion.pk}
    recorded = {key: data.get(key) for key in decision_payload(motion)}
    now = decision_payload(motion)
    # the call may have moved on after the decision (a second call later in the session)
    recorded.pop("call"), now.pop("call")
    changed = sorted(key for key in now if now[key] != recorded[key])
    if changed:
        return _("motion %(motion)s differs from its decision entry: %(fields)s") % {
            "motion": motion.pk,
            "fields": ", ".join(changed),
        }
    statute = assembly.statute
    if statute.number != data.get("statute_version"):
        return _("motion %(motion)s: statute version differs") % {"motion": motion.pk}
    carried = majority_reached(
        data["majority"],
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        abstentions=data["abstentions"],
        present=data["present"],
        register_size=data["register_size"],
        statute=statute,
    )
    if (Outcome.CARRIED if carried else Outcome.REJECTED) != data.get("outcome"):
        return _("motion %(motion)s: the counts do not give the recorded outcome") % {
            "motion": motion.pk
        }
    return None


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "assembly.decision": (check_decision, gettext_lazy("Assembly decision")),
}
