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

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from comuna.assemblies import attendance
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Attendance,
    Majority,
    Method,
    Mode,
    Motion,
    Outcome,
    Status,
)
from comuna.assemblies.signals import motion_decided
from comuna.ledger import record
from comuna.territory.actors import actor_label
from comuna.territory.models import StatuteVersion
from comuna.voting import services as voting
from comuna.voting.models import Poll
from comuna.voting.models import Status as PollStatus


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
    assembly = item.assembly.locked()
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
    if method == Method.MERGED and not assembly.online_url:
        raise AssemblyError(
            {
                "method": [
                    _(
                        "Hands in the room are merged with online ballots only in a hybrid "
                        "session (one with an online link)."
                    )
                ]
            }
        )
    if amends is not None:
        amends = Motion.objects.select_for_update().get(pk=amends.pk)
        if amends.item_id != item.pk:
            raise AssemblyError(_("An amendment amends a motion of the same item."))
        if amends.outcome != Outcome.PENDING:
            raise AssemblyError(_("That motion is already decided: it can no longer be amended."))
        if amends.poll_id is not None:
            raise AssemblyError(
                _("The ballot on that motion is open: it can no longer be amended.")
            )
    motion = Motion.objects.create(
        item=item, text=text, original_text=text, method=method, amends=amends
    )
    record(
        assembly.body.ledger_chain, "assembly.motion", motion_payload(motion), actor=actor_label(by)
    )
    return motion


def motion_payload(motion: Motion) -> dict[str, Any]:
    """What the ``assembly.motion`` entry records of a motion when it is put."""
    assembly = motion.item.assembly
    return {
        "body": assembly.body.slug,
        "assembly": assembly.pk,
        "item": motion.item_id,
        "motion": motion.pk,
        "amends": motion.amends_id,
        "text": motion.original_text,
        "method": motion.method,
    }


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
    assembly = motion.item.assembly.locked()
    if motion.method != Method.HANDS:
        raise AssemblyError(_("This motion is decided by secret ballot, not by show of hands."))
    if assembly.organ_id is not None:
        # its members vote in the open, each beside their assembly's instruction
        raise AssemblyError(
            _("A session of a parliament decides by name, not by a count of hands.")
        )
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
    _refuse_out_of_order(motion)
    quorum = _quorate(assembly)
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
    extra = dict(extra or {})
    if carried and motion.amends_id is not None:
        # a carried amendment is the amended motion's new wording
        amended = Motion.objects.select_for_update().get(pk=motion.amends_id)
        extra["amended"] = {"motion": amended.pk, "text_before": amended.text}
        amended.text = motion.text
        amended.save(update_fields=["text"])
    entry = record(
        assembly.body.ledger_chain,
        "assembly.decision",
        {**decision_payload(motion), **extra},
        actor=actor,
    )
    motion.decision_entry = entry.seq
    motion.save()
    motion_decided.send(sender=Motion, motion=motion, actor=actor)
    return motion


def _quorate(assembly: Assembly) -> attendance.Quorum:
    """The assembly's quorum, refused in plain words when it is not met."""
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
    return quorum


def _refuse_out_of_order(motion: Motion) -> None:
    """Amendments are decided before the motion they amend, in the order they were put."""
    if motion.amendments.filter(outcome=Outcome.PENDING).exists():
        raise AssemblyError(_("Decide the amendments to this motion first."))
    if motion.amends_id is not None:
        earlier = (
            Motion.objects.filter(
                amends_id=motion.amends_id, outcome=Outcome.PENDING, pk__lt=motion.pk
            )
            .order_by("pk")
            .first()
        )
        if earlier is not None:
            raise AssemblyError(
                _("Amendments are decided in the order they were put: first “%(text)s”.")
                % {"text": earlier.text[:80]}
            )


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
        "poll": motion.poll_id,
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
    if motion.poll_id is not None:
        return _check_ballot_counts(motion, data)
    return None


def _check_ballot_counts(motion: Motion, data: dict[str, Any]) -> str | None:
    """A decision by ballot: the online counts are the closed poll's tally, and the counts
    decided are the online ballots plus the hands in the room."""
    poll = motion.poll
    tally = (poll.result or {}).get("tally", {}) if poll.status == PollStatus.CLOSED else None
    online = data.get("online") or {}
    if tally is None or online != ballot_counts(tally):
        return _(
            "motion %(motion)s: the ballots of poll %(poll)s do not give the counts recorded"
        ) % {
            "motion": motion.pk,
            "poll": poll.pk,
        }
    in_room = data.get("in_room") or {}
    for key in COUNTS:
        if online.get(key, 0) + in_room.get(key, 0) != data.get(key):
            return _("motion %(motion)s: online ballots and hands do not add up to the counts") % {
                "motion": motion.pk
            }
    return None


def check_motion(entry) -> str | None:
    """``ledger verify``: a motion put is in the database as it was put."""
    data = entry.data
    motion = (
        Motion.objects.select_related("item__assembly__body").filter(pk=data.get("motion")).first()
    )
    if motion is None:
        return _("motion %(motion)s is missing from the database") % {"motion": data.get("motion")}
    if motion.item.assembly.body.ledger_chain != entry.chain:
        return _("motion %(motion)s belongs to another body") % {"motion": motion.pk}
    now = motion_payload(motion)
    changed = sorted(key for key in now if now[key] != data.get(key))
    if changed:
        return _("motion %(motion)s differs from the entry that put it: %(fields)s") % {
            "motion": motion.pk,
            "fields": ", ".join(changed),
        }
    return None


def check_ballot_opened(entry) -> str | None:
    """``ledger verify``: the motion's ballot is the poll recorded, with the register recorded."""
    data = entry.data
    motion = Motion.objects.select_related("item__assembly__body").filter(pk=data.get("motion"))
    motion = motion.first()
    if motion is None:
        return _("motion %(motion)s is missing from the database") % {"motion": data.get("motion")}
    if motion.item.assembly.body.ledger_chain != entry.chain:
        return _("motion %(motion)s belongs to another body") % {"motion": motion.pk}
    if motion.poll_id != data.get("poll") or motion.method != data.get("method"):
        return _("motion %(motion)s is no longer decided by the ballot recorded") % {
            "motion": motion.pk
        }
    if motion.poll.voters.count() != data.get("eligible"):
        return _("the ballot on motion %(motion)s has another register than recorded") % {
            "motion": motion.pk
        }
    return None


# --- secret ballot online, alone or merged with hands in the room ---------------------------

# the ballot's options, in this order: keys "1", "2", "3"
COUNTS = ("votes_for", "votes_against", "abstentions")


def ballot_counts(tally: dict[str, int]) -> dict[str, int]:
    """A motion ballot's tally ({option key: votes}) as counts for, against, abstaining."""
    return {name: int(tally.get(str(i), 0)) for i, name in enumerate(COUNTS, start=1)}


def ballot_register(assembly: Assembly, method: str) -> list:
    """Who may vote in a motion's ballot: every attendee for a secret ballot, only those
    checked in online when hands in the room are merged with online ballots."""
    attendees = Attendance.objects.filter(assembly=assembly).select_related("resident")
    if method == Method.MERGED:
        attendees = attendees.filter(mode=Mode.ONLINE)
    return [a.resident for a in attendees.order_by("pk")]


def in_the_room(assembly: Assembly) -> int:
    """People present in the room: those present, less those checked in online."""
    online = Attendance.objects.filter(assembly=assembly, mode=Mode.ONLINE).count()
    return max(0, attendance.present(assembly) - online)


@transaction.atomic
def open_ballot(motion: Motion, *, by: Any) -> Poll:
    """Open the secret ballot on a motion decided by secret ballot (or merged): a poll of the
    body (single choice: for, against, abstain), whose register is exactly the attendees
    (merged: those checked in online). Members vote on the poll's page, with receipts."""
    actor = actor_label(by)
    motion = Motion.objects.select_for_update().select_related("item").get(pk=motion.pk)
    assembly = motion.item.assembly.locked()
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Decisions are taken while the assembly is in session."))
    if motion.method == Method.HANDS:
        raise AssemblyError(_("This motion is decided by show of hands, not by ballot."))
    if motion.outcome != Outcome.PENDING:
        raise AssemblyError(_("This motion was already decided."))
    if motion.poll_id is not None:
        raise AssemblyError(_("The ballot on this motion is already open."))
    _refuse_out_of_order(motion)
    _quorate(assembly)
    register = ballot_register(assembly, motion.method)
    if not register:
        if motion.method == Method.MERGED:
            raise AssemblyError(
                _("Nobody is checked in online: decide this motion by show of hands.")
            )
        raise AssemblyError(_("Nobody is checked in: the ballot is open to those present."))
    with translation.override(settings.LANGUAGE_CODE):  # the poll is the body's, not a reader's
        title = _("Motion: %(text)s") % {"text": motion.text}
        description = _("%(assembly)s, item %(position)s: %(item)s") % {
            "assembly": assembly.title,
            "position": motion.item.position,
            "item": motion.item.text,
        }
        options = [
            {"label": pgettext("motion ballot", "For")},
            {"label": pgettext("motion ballot", "Against")},
            {"label": pgettext("motion ballot", "Abstain")},
        ]
    try:
        poll = voting.create_poll(
            assembly.body,
            title=title if len(title) <= 200 else title[:199] + "…",
            description=description,
            method="single",
            rule="plurality",
            options=options,
            by=by,
        )
        voting.open_poll(poll, by=by, register=register)
        poll.refresh_from_db()
    except voting.VotingError as exc:
        raise AssemblyError(str(exc)) from None
    motion.poll = poll
    motion.save(update_fields=["poll"])
    record(
        assembly.body.ledger_chain,
        "assembly.ballot_opened",
        {
            "body": assembly.body.slug,
            "assembly": assembly.pk,
            "item": motion.item_id,
            "motion": motion.pk,
            "method": motion.method,
            "poll": poll.pk,
            "eligible": len(register),
        },
        actor=actor,
    )
    return poll


def _check_hands(hands: dict[str, Any] | None, in_room: int) -> dict[str, int]:
    if hands is None:
        raise AssemblyError({"votes_for": [_("Enter the hands counted in the room.")]})
    counts = {key: hands.get(key) for key in COUNTS}
    for field, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AssemblyError({field: [_("Enter a whole number, 0 or more.")]})
    total = sum(counts.values())
    if total > in_room:
        raise AssemblyError(
            _(
                "The hands add up to %(total)s, but only %(in_room)s people are present in the "
                "room: those checked in online vote by ballot, and nobody is counted twice."
            )
            % {"total": total, "in_room": in_room}
        )
    return counts


@transaction.atomic
def close_ballot(motion: Motion, *, by: Any, hands: dict[str, int] | None = None) -> Motion:
    """Close the motion's ballot, count it, and decide the motion from its counts (merged:
    plus ``hands``, ``{"votes_for", "votes_against", "abstentions"}`` counted in the room,
    refused above the people present in the room). A ballot already closed from the poll's
    page is decided from its recorded count."""
    actor = actor_label(by)
    motion = Motion.objects.select_for_update().select_related("item").get(pk=motion.pk)
    assembly = motion.item.assembly.locked()
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Decisions are taken while the assembly is in session."))
    if motion.outcome != Outcome.PENDING:
        raise AssemblyError(
            _("This motion was already decided; its counts cannot be entered again.")
        )
    if motion.poll_id is None:
        raise AssemblyError(_("No ballot is open on this motion."))
    in_room = None
    if motion.method == Method.MERGED:
        in_room = _check_hands(hands, in_the_room(assembly))
    elif hands:
        raise AssemblyError(_("This motion is decided by secret ballot alone: no hands count."))
    poll = Poll.objects.get(pk=motion.poll_id)
    try:
        if poll.status == PollStatus.OPEN:
            voting.close_poll(poll, by=by)
        poll.refresh_from_db()
    except voting.VotingError as exc:
        raise AssemblyError(str(exc)) from None
    online = ballot_counts(poll.result["tally"])
    counts = {key: online[key] + (in_room or {}).get(key, 0) for key in COUNTS}
    return _decide(
        assembly, motion, **counts, actor=actor, extra={"online": online, "in_room": in_room}
    )


# --- what was decided -----------------------------------------------------------------------


def decisions_of(assembly: Assembly) -> list[dict[str, Any]]:
    """The assembly's decided motions, in agenda order and, within an item, in the order they
    were decided (so an amendment comes before the motion it amends). Each is a dict of plain
    values: ``id``, ``item`` (id), ``item_text``, ``position`` (of the item), ``amends`` (id
    or None), ``text`` (as amended), ``original_text`` (as put), ``method``, ``majority``,
    ``votes_for``, ``votes_against``, ``abstentions``, ``present``, ``quorum_required``,
    ``register_size``, ``outcome``, ``statute_version``, ``poll`` (id or None), ``entry``
    (the ledger seq of its ``assembly.decision``) and ``decided_at``; plus ``motion``, the
    Motion itself (for templates: ``get_method_display``...)."""
    motions = (
        Motion.objects.filter(item__assembly=assembly)
        .exclude(outcome=Outcome.PENDING)
        .select_related("item")
        .order_by("item__position", "item__id", "decided_at", "id")
    )
    return [
        {
            "id": m.pk,
            "item": m.item_id,
            "item_text": m.item.text,
            "position": m.item.position,
            "amends": m.amends_id,
            "text": m.text,
            "original_text": m.original_text or m.text,
            "method": m.method,
            "majority": m.item.majority,
            "votes_for": m.votes_for,
            "votes_against": m.votes_against,
            "abstentions": m.abstentions,
            "present": m.present,
            "quorum_required": m.quorum_required,
            "register_size": assembly.register_size,
            "outcome": m.outcome,
            "statute_version": assembly.statute.number,
            "poll": m.poll_id,
            "entry": m.decision_entry,
            "decided_at": m.decided_at,
            "motion": m,
        }
        for m in motions
    ]


def voting_order(item: AgendaItem) -> list[dict[str, Any]]:
    """The item's motions in the order they are decided: each motion after its amendments
    (an amendment after the amendments to it), amendments in the order they were put.
    Each row: ``motion``, ``depth`` (0 for a motion, 1 for its amendments...), ``step``
    (1, 2... within its motion) and ``next`` (the one to decide now)."""
    motions = list(item.motions.select_related("poll").order_by("pk"))
    children: dict[int | None, list[Motion]] = {}
    for m in motions:
        children.setdefault(m.amends_id, []).append(m)
    rows: list[dict[str, Any]] = []

    def walk(motion: Motion, depth: int, group: list[dict[str, Any]]) -> None:
        for amendment in children.get(motion.pk, []):
            walk(amendment, depth + 1, group)
        group.append({"motion": motion, "depth": depth, "step": len(group) + 1, "next": False})

    for main in children.get(None, []):
        group: list[dict[str, Any]] = []
        walk(main, 0, group)
        pending = [r for r in group if r["motion"].outcome == Outcome.PENDING]
        if pending:
            pending[0]["next"] = True
        rows += group
    return rows


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "assembly.motion": (check_motion, gettext_lazy("Motion put to an assembly")),
    "assembly.ballot_opened": (check_ballot_opened, gettext_lazy("Assembly ballot opened")),
    "assembly.decision": (check_decision, gettext_lazy("Assembly decision")),
}
