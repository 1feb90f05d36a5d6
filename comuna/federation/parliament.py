"""The parliament of a commune (a communal city): its seats, its sessions and their decisions
taken by name, each vote beside the instruction the member's assembly gave.

- Seats: the body's administrator declares them from its members (:func:`declare_member_seats`):
  one MEMBER seat per member body, the seats the statute gives to socio-productive
  organisations, and the bank's (``parliament.seats_declared``, besides the seats' own
  ``mandate.seats_declared``).
- Sessions: an ``assemblies.Assembly`` with ``organ`` set, convened by the body's coordination
  collective (``assemblies.convene(..., organ=...)``); its register is frozen as the members
  seated that day (not the census), its quorum is ``statute.parliament_quorum(seated)``, and
  the body's electoral commission keeps its door and records its decisions, as for any
  assembly of the body.
- Decisions by name (:func:`vote_by_name`): one ``mandates.NamedVote`` per member present,
  each with the instruction its member's assembly gave on that agenda item (an instruction
  given to the previous holder of the seat binds the new one); the motion is decided from the
  counts of those votes by the assemblies' own decision path (the ``assembly.decision`` entry
  and its quorum), and the votes are recorded as ``mandate.votes_recorded`` (the kind the
  mandates capability already re-checks), so a spokesperson's page lists them too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import convening, decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Attendance,
    Majority,
    Method,
    Motion,
    Outcome,
    Registered,
    Status,
)
from comuna.federation.errors import FederationError
from comuna.i18n import site_language
from comuna.ledger import entries, record
from comuna.mandates import accounting, seats
from comuna.mandates.models import DecisionStatus, Instruction, NamedVote, Position
from comuna.territory import records
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import (
    Body,
    BodyKind,
    Counting,
    Mandate,
    MandateKind,
    Organ,
    OrganKind,
    Seat,
    SeatSector,
)

LABEL_MAX = 200
VOTES = (Position.FOR, Position.AGAINST, Position.ABSTAIN)


def parliament_of(body: Body) -> Organ | None:
    """The body's parliament (its first organ of kind PARLIAMENT), or None."""
    return body.organs.filter(kind=OrganKind.PARLIAMENT).order_by("position", "pk").first()


def member_seat(body: Body, member: Body) -> Seat | None:
    """The seat of ``member`` in ``body``'s parliament, if declared."""
    organ = parliament_of(body)
    if organ is None:
        return None
    return Seat.objects.filter(organ=organ, member=member, number__lte=organ.seats).first()


# whom a parliament's member seats speak for: a commune's councils, a city's communes (a
# council federated straight into a city, not yet in a commune, has no seat in its council)
MEMBER_KIND = {BodyKind.COMMUNE: BodyKind.COUNCIL, BodyKind.CITY: BodyKind.COMMUNE}


def members_of(body: Body):
    """The bodies that hold a member's seat in ``body``'s parliament and raise its matters."""
    found = body.children.all()
    kind = MEMBER_KIND.get(body.kind)
    return found if kind is None else found.filter(kind=kind)


def is_member(body: Body, member: Body) -> bool:
    return member.parent_id == body.pk and MEMBER_KIND.get(body.kind, member.kind) == member.kind


def require(by: Any, action: str, subject: Any, body: Body) -> None:
    """Refuse ``by`` unless a role of theirs allows ``action`` on ``subject`` (the views ask the
    same; a service called from anywhere else is held to it too). The system acts freely."""
    from comuna.territory.actors import SystemActor
    from comuna.territory.permissions import can

    if not isinstance(by, SystemActor) and not can(by, action, subject):
        raise FederationError(
            _("None of your roles in %(body)s allows this.") % {"body": body.name}
        )


def above_of(member: Body) -> Body | None:
    """The body whose parliament ``member`` holds a member's seat in (its parent, when it is
    one of the parent's members and the parent has a parliament), or None."""
    above = member.parent
    if above is None or not is_member(above, member) or parliament_of(above) is None:
        return None
    return above


def parliaments_around(body: Body) -> tuple[bool, Body | None]:
    """For a body's page, in one query: whether it has a parliament, and the body whose
    parliament it holds a seat in (as :func:`above_of`), its parent read from the ancestors
    the page has already loaded."""
    parent = body.ancestors()[0] if body.parent_id else None
    with_one = set(
        Organ.objects.filter(
            kind=OrganKind.PARLIAMENT, body_id__in=[body.pk, *([parent.pk] if parent else [])]
        ).values_list("body_id", flat=True)
    )
    above = parent if parent and parent.pk in with_one and is_member(parent, body) else None
    return body.pk in with_one, above


def _error(exc: Exception, field: str | None = None) -> FederationError:
    messages = getattr(exc, "messages", None) or [str(exc)]
    return FederationError(" ".join(str(m) for m in messages), field=field)


# --- seats ---------------------------------------------------------------------------------


def _labels(organisations) -> list[str]:
    found: list[str] = []
    for raw in organisations or ():
        label = str(raw or "").strip()
        if not label:
            continue
        if len(label) > LABEL_MAX:
            raise FederationError(
                _("An organisation's name has at most %(n)s characters.") % {"n": LABEL_MAX},
                field="organisations",
            )
        if label.casefold() in {f.casefold() for f in found}:
            raise FederationError(
                _("“%(label)s” is named twice: one seat per organisation.") % {"label": label},
                field="organisations",
            )
        found.append(label)
    return found


def seat_payload(seat: Seat) -> dict[str, Any]:
    return {
        "seat": seat.pk,
        "number": seat.number,
        "sector": seat.sector,
        "member": seat.member.slug if seat.member_id else None,
        "label": seat.label,
    }


@transaction.atomic
def declare_member_seats(body: Body, *, organisations=(), bank: bool = True, by: Any) -> list[Seat]:
    """Declare the seats of ``body``'s parliament from its members: one MEMBER seat per member
    body (by name), then one ORGANISATION seat per organisation named, then the bank's. A seat
    whose holder is in office is not given to another (end that mandate first). Mandates in
    force that hold no seat take their member's seat (the spokesperson a member sent before
    the seats were declared). Records ``parliament.seats_declared`` (and the seats'
    ``mandate.seats_declared``)."""
    from comuna.mandates.rules import MandateAction

    actor = actor_label(by)
    require(by, MandateAction.DECLARE_SEATS, body, body)
    organ = parliament_of(body)
    if organ is None:
        raise FederationError(_("%(body)s has no parliament.") % {"body": body.name})
    organ = Organ.objects.select_for_update().get(pk=organ.pk)
    members = list(members_of(body).order_by("name", "pk"))
    if not members:
        raise FederationError(
            _("%(body)s has no member bodies to give seats to.") % {"body": body.name}
        )
    plan = [(SeatSector.MEMBER, m, "") for m in members]
    plan += [(SeatSector.ORGANISATION, None, label) for label in _labels(organisations)]
    if bank:
        plan.append((SeatSector.BANK, None, ""))
    if len(plan) > seats.MAX_SEATS:
        raise FederationError(
            _("A parliament has at most %(max)s seats.") % {"max": seats.MAX_SEATS}
        )
    today = timezone.localdate()
    existing = {s.number: s for s in Seat.objects.select_for_update().filter(organ=organ)}
    changed: list[tuple[Seat, tuple]] = []
    for number, (sector, member, label) in enumerate(plan, start=1):
        seat = existing.get(number)
        wanted = (sector, member.pk if member else None, label)
        if seat is None or (seat.sector, seat.member_id, seat.label) == wanted:
            continue
        held = seat.mandates.exclude(ends_on__lte=today).select_related("resident").first()
        if held is not None:
            raise FederationError(
                _(
                    "Seat %(number)s is held by %(person)s: end that mandate before the seat "
                    "speaks for someone else."
                )
                % {"number": number, "person": held.resident}
            )
        changed.append((seat, wanted))
    # members first cleared, then set: two seats may swap members
    Seat.objects.filter(pk__in=[s.pk for s, _w in changed]).update(member=None)
    for seat, (sector, member_id, label) in changed:
        seat.sector, seat.member_id, seat.label = sector, member_id, label
        seat.save(update_fields=["sector", "member", "label"])
    for number, (sector, member, label) in enumerate(plan, start=1):
        if number not in existing:
            Seat.objects.create(
                organ=organ, number=number, sector=sector, member=member, label=label
            )
    above = organ.seat_rows.filter(number__gt=len(plan))
    held = Mandate.objects.filter(seat__in=above).exclude(ends_on__lte=today).first()
    if held is not None:
        raise FederationError(
            _("Seat %(number)s is held by %(person)s: end that mandate before removing it.")
            % {"number": held.seat.number, "person": held.resident}
        )
    # seat rows above go, unless history (a mandate, a contest) names them
    above.filter(mandates__isnull=True, contests__isnull=True).delete()
    previous = {"seats": organ.seats, "counting": organ.counting}
    organ.seats, organ.counting = len(plan), Counting.UNINOMINAL
    organ.save(update_fields=["seats", "counting"])
    bound = _bind_unseated(organ, today)
    made = seats.declared(organ)
    # the seats' own entry, as the mandates capability writes it (its checks cover the seats
    # and the rows of the mandates given one)
    record(
        body.ledger_chain,
        "mandate.seats_declared",
        {
            **seats.declared_payload(organ, made),
            "previous": previous,
            "seated": [{"mandate": m.pk, "seat": m.seat_id} for m in bound],
            "rows": records.rows(body, [organ, *bound]),
        },
        actor=actor,
    )
    record(
        body.ledger_chain,
        "parliament.seats_declared",
        {
            "body": body.slug,
            "organ": organ.pk,
            "seats": [seat_payload(s) for s in made],
            "bound": [{"mandate": m.pk, "seat": m.seat_id} for m in bound],
        },
        actor=actor,
    )
    return made


def _bind_unseated(organ: Organ, today: date) -> list[Mandate]:
    """Mandates in force (or starting later) on no seat, held by a resident of a member body,
    take that member's seat when it has no holder of their kind."""
    live = Mandate.objects.select_for_update().filter(organ=organ).exclude(ends_on__lte=today)
    member_seats = list(
        Seat.objects.filter(organ=organ, sector=SeatSector.MEMBER).select_related("member")
    )
    bound: list[Mandate] = []
    for seat in member_seats:
        within = seat.member.descendant_ids()
        for kind in (MandateKind.SPOKESPERSON, MandateKind.SUBSTITUTE):
            if live.filter(seat=seat, kind=kind).exists():
                continue
            waiting = (
                live.filter(seat__isnull=True, kind=kind, resident__body_id__in=within)
                .order_by("starts_on", "pk")
                .first()
            )
            if waiting is not None:
                waiting.seat = seat
                waiting.save(update_fields=["seat"])
                bound.append(waiting)
    return bound


def check_seats_declared(entry) -> str | None:
    """``ledger verify``: the last declaration of an organ's seats is what its seats say now
    (their number, whom each speaks for); the mandates it bound hold those seats."""
    data = entry.data
    organ = Organ.objects.select_related("body").filter(pk=data.get("organ")).first()
    if organ is None:
        return _("organ %(organ)s is missing from the database") % {"organ": data.get("organ")}
    if organ.body.ledger_chain != entry.chain:
        return _("organ %(organ)s belongs to another body") % {"organ": organ.pk}
    for bound in data.get("bound", []):
        if not Mandate.objects.filter(pk=bound.get("mandate"), seat_id=bound.get("seat")).exists():
            return _("mandate %(mandate)s no longer holds the seat it was given") % {
                "mandate": bound.get("mandate")
            }
    later = entries(entry.chain).filter(kind="parliament.seats_declared", seq__gt=entry.seq)
    if any(e.data.get("organ") == organ.pk for e in later.only("payload")):
        return None
    now = [seat_payload(s) for s in seats.declared(organ)]
    if now != data.get("seats"):
        return _("the seats of the parliament %(organ)s differ from their declaration") % {
            "organ": organ.pk
        }
    return None


# --- sessions ------------------------------------------------------------------------------


def sessions_of(body: Body):
    organ = parliament_of(body)
    if organ is None:
        return Assembly.objects.none()
    return Assembly.objects.filter(body=body, organ=organ).select_related("statute")


def principals(organ: Organ, on: date | None = None):
    """The organ's seated members on ``on``: its spokespersons in office."""
    return (
        Mandate.objects.active(on)
        .filter(organ=organ, kind=MandateKind.SPOKESPERSON)
        .select_related("resident", "seat__member")
        .order_by("seat__number", "pk")
    )


REGISTER_CHANGED = "parliament.session_register_changed"


def follow_seats(organ: Organ, *, actor: str) -> list[Assembly]:
    """The registers of the organ's sessions convened but not yet opened follow the seats:
    when a member's assembly recalls or elects its spokesperson, whoever holds the seat now is
    on the register of the next session instead of whoever held it at convening (a session
    already in session keeps its register). Each change is a ``parliament.session_register_
    changed`` entry with the register's new size and keyed digest (no resident is named)."""
    changed = []
    wanted = set(convening.seated(organ).values_list("pk", flat=True))
    coming = Assembly.objects.select_for_update(of=("self",)).filter(
        organ=organ, status=Status.CONVENED
    )
    for assembly in coming.select_related("body").order_by("pk"):
        have = set(assembly.registered.values_list("resident_id", flat=True))
        if have == wanted:
            continue
        Registered.objects.filter(assembly=assembly, resident_id__in=have - wanted).delete()
        Registered.objects.bulk_create(
            Registered(assembly=assembly, resident_id=pk) for pk in sorted(wanted - have)
        )
        assembly.register_size = len(wanted)
        assembly.save(update_fields=["register_size"])
        record(
            assembly.body.ledger_chain,
            REGISTER_CHANGED,
            {
                "assembly": assembly.pk,
                "organ": organ.pk,
                "register_size": assembly.register_size,
                "register_digest": convening.register_digest(assembly),
            },
            actor=actor,
        )
        changed.append(assembly)
    return changed


def check_register_changed(entry) -> str | None:
    """``ledger verify``: the session exists in the chain's body; when no later change was
    recorded, its register is the one this entry recorded (size and keyed digest)."""
    data = entry.data
    assembly = Assembly.objects.select_related("body").filter(pk=data.get("assembly")).first()
    if assembly is None:
        return _("assembly %(pk)s is missing from the database") % {"pk": data.get("assembly")}
    if assembly.body.ledger_chain != entry.chain or assembly.organ_id != data.get("organ"):
        return _("assembly %(pk)s is not a session of this body's parliament") % {"pk": assembly.pk}
    later = entries(entry.chain).filter(kind=REGISTER_CHANGED, seq__gt=entry.seq)
    if any(e.data.get("assembly") == assembly.pk for e in later.only("payload")):
        return None
    if (assembly.register_size, convening.register_digest(assembly)) != (
        data.get("register_size"),
        data.get("register_digest"),
    ):
        return _("the register of session %(pk)s differs from the one recorded") % {
            "pk": assembly.pk
        }
    return None


def instruction_for(item: AgendaItem, seat: Seat | None) -> Instruction | None:
    """The instruction the assembly of the seat's member gave on ``item`` (the last one it
    carried): it binds whoever holds the seat."""
    if seat is None or seat.member_id is None:
        return None
    return (
        Instruction.objects.filter(item=item, body_id=seat.member_id, status=DecisionStatus.CARRIED)
        .select_related("motion")
        .order_by("-motion__decided_at", "-pk")
        .first()
    )


@transaction.atomic
def vote_by_name(motion: Motion, votes: dict[int, str], *, by: Any) -> Motion:
    """Decide a motion of a parliament session by name: ``votes`` gives each member present
    (``{mandate pk: "for" | "against" | "abstain"}``) their vote; one NamedVote each, with the
    instruction their member's assembly gave on the item, and the motion decided from those
    counts (quorum, majority and the ``assembly.decision`` entry as for any decision)."""
    from comuna.assemblies.rules import AssemblyAction

    actor = actor_label(by)
    motion = (
        Motion.objects.select_for_update(of=("self",))
        .select_related("item__assembly")
        .get(pk=motion.pk)
    )
    assembly = motion.item.assembly.locked()
    require(by, AssemblyAction.DECIDE, assembly, assembly.body)
    if assembly.organ_id is None:
        raise FederationError(_("Only the motions of a parliament session are decided by name."))
    if motion.method != Method.HANDS:
        raise FederationError(
            _("This motion is decided by secret ballot: a parliament votes in the open.")
        )
    if assembly.status != Status.IN_SESSION:
        raise FederationError(_("Decisions are taken while the session is in session."))
    if motion.outcome != Outcome.PENDING:
        raise FederationError(_("This motion was already decided; its votes are final."))
    if assembly.sheet_count is not None:
        raise FederationError(_("A vote by name needs the members present recorded by name."))
    present = set(Attendance.objects.filter(assembly=assembly).values_list("resident", flat=True))
    seated = {
        m.pk: m
        for m in principals(Organ.objects.get(pk=assembly.organ_id))
        if m.resident_id in present
    }
    if not isinstance(votes, dict):
        raise FederationError(_("Say how each member present voted."), field="votes")
    given: dict[int, str] = {}
    for key, vote in votes.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise FederationError(_("That is not a member's mandate."), field="votes") from None
        if pk not in seated:
            raise FederationError(
                _("Only the members seated and present vote in this session."), field="votes"
            )
        if vote not in VOTES:
            raise FederationError(
                _("Choose how %(name)s voted: for, against or abstaining.")
                % {"name": seated[pk].resident},
                field="votes",
            )
        given[pk] = vote
    missing = [m for pk, m in seated.items() if pk not in given]
    if missing:
        raise FederationError(
            _("Say how %(name)s voted (for, against or abstaining): every member present votes.")
            % {"name": missing[0].resident},
            field="votes",
        )
    made = [
        NamedVote.objects.create(
            mandate=seated[pk],
            motion=motion,
            vote=vote,
            instruction=instruction_for(motion.item, seated[pk].seat),
            recorded_by=acting_user(by),
        )
        for pk, vote in sorted(given.items())
    ]
    counts = {
        "votes_for": sum(1 for v in made if v.vote == Position.FOR),
        "votes_against": sum(1 for v in made if v.vote == Position.AGAINST),
        "abstentions": sum(1 for v in made if v.vote == Position.ABSTAIN),
    }
    try:
        decisions._decide(assembly, motion, **counts, actor=actor, extra={"by_name": True})
    except AssemblyError as exc:
        raise _error(exc) from None
    record(
        assembly.body.ledger_chain,
        "mandate.votes_recorded",
        {
            "body": assembly.body.slug,
            "motion": motion.pk,
            "votes": [accounting.named_vote_payload(v) for v in made],
        },
        actor=actor,
    )
    return motion


def check_named_votes(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every named vote on a motion of the chain's sessions was recorded by a
    ``mandate.votes_recorded`` entry (none slipped in with SQL)."""
    recorded = {
        v.get("named_vote")
        for e in entries(chain).filter(kind="mandate.votes_recorded").only("payload")
        for v in e.data.get("votes", [])
    }
    problems = []
    found = NamedVote.objects.filter(motion__item__assembly__organ__isnull=False).select_related(
        "motion__item__assembly__body"
    )
    for vote in found.order_by("pk"):
        if vote.motion.item.assembly.body.ledger_chain != chain:
            continue
        if vote.pk not in recorded:
            problems.append(
                (
                    0,
                    "",
                    _("named vote %(pk)s is in the database but no entry records it")
                    % {"pk": vote.pk},
                )
            )
    return problems


# --- putting a member's decision to its assembly -------------------------------------------


def member_assemblies(member: Body) -> list[Assembly]:
    """The member's citizens' assemblies a motion may go to: the one in session, then the
    coming ones whose agenda may still be amended."""
    own = member.assemblies.filter(organ__isnull=True)
    in_session = list(own.filter(status=Status.IN_SESSION).order_by("starts_at"))
    return in_session + [a for a in convening.coming_amendable(member) if a.organ_id is None]


def add_item(assembly: Assembly, *, text: str, description: str, why, by: Any) -> AgendaItem:
    """An item (asking for a simple majority) added to the assembly in session, or to a coming
    one's agenda while it may be amended; ``why`` (lazy) is said in the site's language. A
    refusal of the assemblies is a FederationError under ``assembly``. The caller holds the
    assembly's lock."""
    reason = site_language(why)
    text = site_language(text)[:300]
    try:
        if assembly.status == Status.IN_SESSION:
            return convening.add_item_in_session(
                assembly, text=text, majority=Majority.SIMPLE, reason=reason, actor=actor_label(by)
            )
        before = set(assembly.items.values_list("pk", flat=True))
        convening.amend_agenda(
            assembly,
            add=[{"text": text, "description": description, "majority": Majority.SIMPLE}],
            reason=reason,
            by=by,
        )
    except AssemblyError as exc:
        raise _error(exc, "assembly") from None
    return assembly.items.exclude(pk__in=before).get()


def put_to_assembly(
    assembly: Assembly, member: Body, *, text: str, description: str, why, by: Any
) -> Motion:
    """A motion of ``member``'s citizens' assembly: on a new item of the assembly in session,
    or of a coming one while its agenda may be amended (the motion put with it, to be decided
    when the assembly meets)."""
    actor = actor_label(by)
    if assembly.body_id != member.pk or assembly.organ_id is not None:
        raise FederationError(
            _("Choose an assembly of %(member)s.") % {"member": member.name}, field="assembly"
        )
    assembly = assembly.locked()
    text = site_language(text)
    item = add_item(assembly, text=text, description=description, why=why, by=by)
    if assembly.status == Status.IN_SESSION:
        try:
            return decisions.propose_motion(item, text=text, by=by)
        except AssemblyError as exc:
            raise _error(exc, "assembly") from None
    # the motion waits on the item for the assembly to meet (it is decided in session)
    motion = Motion.objects.create(item=item, text=text, original_text=text, method=Method.HANDS)
    record(
        assembly.body.ledger_chain, "assembly.motion", decisions.motion_payload(motion), actor=actor
    )
    return motion


def decided_as(motion: Motion) -> str | None:
    """The member's decision a decided motion gives (``federation.Decision``), None pending."""
    from comuna.federation.models import Decision

    return {Outcome.CARRIED: Decision.CARRIED, Outcome.REJECTED: Decision.REJECTED}.get(
        motion.outcome
    )


def differs(what: str, now: dict[str, Any], recorded: dict[str, Any]) -> str | None:
    """``ledger verify``: the keys of ``now`` whose value is not the one recorded."""
    changed = sorted(key for key in now if now[key] != recorded.get(key))
    if changed:
        return _("%(what)s differs from its entry: %(fields)s") % {
            "what": what,
            "fields": ", ".join(changed),
        }
    return None


WHY_MEMBER = gettext_lazy("A decision of this assembly about the parliament of its commune.")


def pending(motion: Motion) -> bool:
    """Whether a member's motion still waits for its assembly (its assembly has not ended)."""
    return motion.outcome == Outcome.PENDING and motion.item.assembly.status in (
        Status.CONVENED,
        Status.IN_SESSION,
    )


def reseat(
    seat: Seat, people: list[tuple[Any, str]], *, on: date, reason: str, by: Any
) -> tuple[list[int], list[Mandate]]:
    """The mandates in force on ``seat`` end ``on`` (saying ``reason``) and each of ``people``
    (resident, mandate kind) holds it from ``on``, for the statute's term: the ids of the
    mandates ended and the mandates conferred."""
    from comuna.territory.services import TerritoryError, confer_mandate, end_mandate

    ended = []
    for mandate in Mandate.objects.active(on).filter(seat=seat).order_by("pk"):
        try:
            ended.append(end_mandate(mandate, on=on, reason=reason, by=by).pk)
        except TerritoryError:
            continue  # it started that day: it ends with the new one's start below
    try:
        made = [
            confer_mandate(
                seat.organ.body, person, kind=kind, organ=seat.organ, seat=seat, starts_on=on, by=by
            )
            for person, kind in people
        ]
    except TerritoryError as exc:
        raise FederationError(" ".join(str(m) for m in exc.messages)) from exc
    return ended, made


def lapse(found: Any, *, kind: str, payload: Callable[[Any], dict], actor: str) -> None:
    """A member's proposal (a delegation, a ratification request) whose assembly ended without
    deciding it lapses, recorded in the member's chain as ``kind`` with its ``payload``."""
    from comuna.federation.models import Decision

    found.status = Decision.LAPSED
    found.decided_at = timezone.now()
    found.save(update_fields=["status", "decided_at"])
    record(found.member.ledger_chain, kind, payload(found), actor=actor)


# --- reading: the parliament's page and API ------------------------------------------------


def composition(organ: Organ, today: date | None = None) -> list[dict[str, Any]]:
    """Every declared seat: whom it speaks for, its principal and substitute in office and
    since when."""
    today = today or timezone.localdate()
    holding = next(
        (o for o in seats.seat_holders(organ.body, today) if o.organ.pk == organ.pk), None
    )
    rows = []
    for h in holding.seats if holding else []:
        seat = h.seat
        rows.append(
            {
                "seat": seat,
                "number": seat.number,
                "sector": seat.sector,
                "member": seat.member if seat.member_id else None,
                "label": seat.label,
                "principal": h.principal,
                "substitute": h.substitute,
                "since": h.principal.starts_on if h.principal else None,
                "vacant_since": h.vacant_since,
            }
        )
    return rows


def decided_motions(organ: Organ) -> list[dict[str, Any]]:
    """The decided motions of the organ's sessions, newest first, each with its named votes
    beside the instruction carried (flagged when against it) and the ratification each member
    required, with whether the decision binds that member."""
    from comuna.federation.models import Ratification
    from comuna.federation.ratifications import binding

    motions = list(
        Motion.objects.filter(item__assembly__organ=organ)
        .exclude(outcome=Outcome.PENDING)
        .select_related("item__assembly")
        .order_by("-decided_at", "-pk")
    )
    votes: dict[int, list[NamedVote]] = {}
    for v in NamedVote.objects.filter(motion__in=motions).select_related(
        "mandate__resident", "mandate__seat__member", "instruction__body"
    ):
        votes.setdefault(v.motion_id, []).append(v)
    # each member's latest request (one that lapsed is followed by the one put again)
    latest: dict[tuple[int, int], Ratification] = {}
    for r in (
        Ratification.objects.filter(decision__in=motions).select_related("member").order_by("pk")
    ):
        latest[(r.decision_id, r.member_id)] = r
    ratifications: dict[int, list[Ratification]] = {}
    for r in latest.values():
        ratifications.setdefault(r.decision_id, []).append(r)
    return [
        {
            "motion": m,
            "session": m.item.assembly,
            "votes": sorted(
                votes.get(m.pk, []),
                key=lambda v: (v.mandate.seat.number if v.mandate.seat_id else 0, v.pk),
            ),
            "ratifications": [
                {"ratification": r, "member": r.member, "binding": binding(r)}
                for r in ratifications.get(m.pk, [])
            ],
        }
        for m in motions
    ]


def coming_items(organ: Organ) -> list[AgendaItem]:
    """The items of the organ's coming and open sessions that take a vote (what a member's
    assembly may instruct its spokesperson on)."""
    return list(
        AgendaItem.objects.filter(
            assembly__organ=organ,
            assembly__status__in=(Status.CONVENED, Status.IN_SESSION),
            withdrawn=False,
        )
        .exclude(majority=Majority.NONE)
        .select_related("assembly")
        .order_by("assembly__starts_at", "position", "pk")
    )


def instructions_of(organ: Organ) -> list[Instruction]:
    """The instructions members' assemblies gave on the organ's agenda items."""
    return list(
        Instruction.objects.filter(item__assembly__organ=organ)
        .select_related("body", "item__assembly", "mandate__resident", "motion")
        .order_by("body__name", "-created_at", "-pk")
    )
