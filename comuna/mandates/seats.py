"""Seats: each organ declares how many seats it has and how they are elected (one race per seat,
or one STV count for all), and who holds each seat (principal and substitute) on a day.
[Owned by the elections part of issue 12.]

The day a term ends: a mandate holds while ``starts_on <= day < ends_on``. ``ends_on`` is the
day the term ends and the successor takes the seat, so a term ending today gives no power
today: the seat shows the successor (whose mandate starts today) or "vacant since today".
``Mandate.objects.active()`` and ``permissions.roles`` follow the same convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comuna.ledger import entries, record
from comuna.mandates.errors import MandateError
from comuna.territory import records
from comuna.territory.actors import actor_label
from comuna.territory.models import Body, Counting, Mandate, MandateKind, Organ, Seat

MAX_SEATS = 50


def declared(organ: Organ) -> list[Seat]:
    """The organ's declared seats, 1..``organ.seats`` (seat rows above that number are kept
    only while a past mandate or contest names them)."""
    return list(organ.seat_rows.filter(number__lte=organ.seats).order_by("number"))


def has_declared_seats(organ: Organ) -> bool:
    return organ.seats > 0 and len(declared(organ)) == organ.seats


@transaction.atomic
def declare_seats(organ: Organ, *, seats: int, counting: str, by: Any) -> list[Seat]:
    """Declare the organ's seats: ``seats`` of them, filled by ``counting`` (uninominal: one
    separate race per seat; STV: one count for all). Missing seat rows are created; removing
    seats is refused while a removed seat is held by a mandate in force (or one that starts
    later). Records ``mandate.seats_declared``."""
    actor = actor_label(by)
    organ = Organ.objects.select_for_update().select_related("body").get(pk=organ.pk)
    if not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        raise MandateError(_("An organ has between 1 and %(max)s seats.") % {"max": MAX_SEATS})
    if counting not in Counting.values:
        raise MandateError(_("Choose how the seats are elected."))
    today = timezone.localdate()
    held = (
        Mandate.objects.filter(seat__organ=organ, seat__number__gt=seats)
        .exclude(ends_on__lte=today)
        .select_related("seat", "resident")
        .order_by("seat__number")
        .first()
    )
    if held is not None:
        raise MandateError(
            _(
                "Seat %(number)s cannot be removed: %(person)s holds it until %(day)s. End "
                "that mandate first."
            )
            % {
                "number": held.seat.number,
                "person": held.resident,
                "day": held.ends_on.isoformat() if held.ends_on else "—",
            }
        )
    previous = {"seats": organ.seats, "counting": organ.counting}
    for number in range(1, seats + 1):
        Seat.objects.get_or_create(organ=organ, number=number)
    # seat rows above the new number go, unless history (a mandate, a contest) names them
    organ.seat_rows.filter(number__gt=seats, mandates__isnull=True, contests__isnull=True).delete()
    organ.seats = seats
    organ.counting = counting
    organ.save(update_fields=["seats", "counting"])
    made = declared(organ)
    seated = _seat_the_unseated(organ, made, today)
    record(
        organ.body.ledger_chain,
        "mandate.seats_declared",
        {
            **declared_payload(organ, made),
            "previous": previous,
            "seated": [{"mandate": m.pk, "seat": m.seat_id} for m in seated],
            "rows": records.rows(organ.body, [organ, *seated]),
        },
        actor=actor,
    )
    return made


def _seat_the_unseated(organ: Organ, seats: list[Seat], today: date) -> list[Mandate]:
    """The organ's mandates in force (or starting later) that hold no seat, conferred before
    the seats were declared, take its free seats in order: spokespersons the seats with no
    spokesperson, substitutes those with no substitute, the earliest conferred first. Those
    left over (more holders than seats) stay unseated, and the seats page says so."""
    live = Mandate.objects.select_for_update().filter(organ=organ).exclude(ends_on__lte=today)
    seated: list[Mandate] = []
    for kind in (MandateKind.SPOKESPERSON, MandateKind.SUBSTITUTE):
        taken = set(live.filter(kind=kind, seat__isnull=False).values_list("seat_id", flat=True))
        free = [seat for seat in seats if seat.pk not in taken]
        waiting = live.filter(kind=kind, seat__isnull=True).order_by("starts_on", "pk")
        for mandate, seat in zip(waiting, free, strict=False):
            mandate.seat = seat
            mandate.save(update_fields=["seat"])
            seated.append(mandate)
    return seated


def declared_payload(organ: Organ, seats: list[Seat]) -> dict[str, Any]:
    return {
        "organ": organ.pk,
        "name": organ.name,
        "seats": organ.seats,
        "counting": organ.counting,
        "seat_ids": [s.pk for s in seats],
    }


# --- who holds each seat --------------------------------------------------------------------


@dataclass
class SeatHolding:
    seat: Seat | None  # None: mandates conferred before the organ declared its seats
    principal: Mandate | None = None
    substitute: Mandate | None = None
    # the next principal already elected (their term starts later)
    incoming: Mandate | None = None
    # the day the last principal's term ended (None: never held, or held now)
    vacant_since: date | None = None


@dataclass
class OrganSeats:
    organ: Organ
    seats: list[SeatHolding] = field(default_factory=list)
    # mandates in force on no declared seat (conferred before the seats were declared)
    unseated: list[Mandate] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return bool(self.seats)


def seat_holders(body: Body, today: date | None = None) -> list[OrganSeats]:
    """Per organ of ``body`` (committees after their organ), per declared seat: the principal
    and the substitute whose mandates are in force ``today``, the principal elected for a term
    starting later, and since when a seat with no principal is vacant.

    A mandate holds while ``starts_on <= today < ends_on``: on the day a term ends
    (``ends_on == today``) its holder no longer holds the seat; the successor, whose mandate
    starts that day, does, or the seat is vacant since today."""
    today = today or timezone.localdate()
    organs = list(body.organs.order_by("position", "name"))
    ordered = [o for o in organs if o.parent_id is None]
    for parent in list(ordered):
        ordered[ordered.index(parent) + 1 : ordered.index(parent) + 1] = [
            o for o in organs if o.parent_id == parent.pk
        ]
    ordered += [o for o in organs if o not in ordered]
    mandates = list(
        Mandate.objects.filter(organ__in=organs)
        .exclude(kind=MandateKind.ADMINISTRATOR)
        .select_related("resident", "seat")
        .order_by("starts_on", "pk")
    )
    seats = {}
    for seat in Seat.objects.filter(organ__in=organs).order_by("number"):
        seats.setdefault(seat.organ_id, []).append(seat)
    found: list[OrganSeats] = []
    for organ in ordered:
        entry = OrganSeats(organ)
        mine = [m for m in mandates if m.organ_id == organ.pk]
        for seat in seats.get(organ.pk, []):
            if seat.number > organ.seats:
                continue
            holding = SeatHolding(seat)
            on_seat = [m for m in mine if m.seat_id == seat.pk]
            for m in on_seat:
                principal = m.kind == MandateKind.SPOKESPERSON
                if m.is_active(today):
                    if principal:
                        holding.principal = m
                    else:
                        holding.substitute = m
                elif principal and m.starts_on > today and holding.incoming is None:
                    holding.incoming = m
            if holding.principal is None:
                ended = [
                    m.ends_on
                    for m in on_seat
                    if m.kind == MandateKind.SPOKESPERSON and m.ends_on and m.ends_on <= today
                ]
                holding.vacant_since = max(ended) if ended else None
            entry.seats.append(holding)
        entry.unseated = [m for m in mine if m.seat_id is None and m.is_active(today)]
        found.append(entry)
    return found


# --- ledger verify --------------------------------------------------------------------------


def check_declarations(chain: str) -> list[tuple[int, str, str]]:
    """Each organ's last ``mandate.seats_declared`` entry equals its seats now: their number,
    their counting and the seat rows 1..n. (The organ's row digest, which covers ``seats``, is
    checked by the territory's rows check: the kind is one of its row kinds.)"""
    body = records.body_of_chain(chain)
    if body is None:
        return []
    last: dict[int, Any] = {}
    for entry in entries(chain).filter(kind="mandate.seats_declared"):
        data = entry.data if isinstance(entry.data, dict) else {}
        last[data.get("organ")] = entry
    problems = []
    for organ_id, entry in last.items():
        organ = Organ.objects.filter(pk=organ_id, body=body).first()
        if organ is None:
            problems.append(
                (entry.seq, entry.kind, _("organ %(organ)s is missing") % {"organ": organ_id})
            )
            continue
        now = declared_payload(organ, declared(organ))
        changed = sorted(k for k in now if now[k] != entry.data.get(k))
        if changed:
            problems.append(
                (
                    entry.seq,
                    entry.kind,
                    _("the seats of organ %(organ)s differ from their declaration: %(fields)s")
                    % {"organ": organ_id, "fields": ", ".join(changed)},
                )
            )
    return problems


LEDGER_CHECKS: dict = {}  # mandate.seats_declared is one of the territory's row kinds
CHAIN_CHECKS: dict = {"mandates.seats": check_declarations}
