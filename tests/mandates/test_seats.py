"""Seats: declared by the administrator, held by principals and substitutes; a term ending
exactly today gives no power today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comuna.ledger import entries, verify
from comuna.mandates import seats
from comuna.mandates.errors import MandateError
from comuna.territory import services
from comuna.territory.models import Counting, Mandate, MandateKind, Organ, Seat
from comuna.territory.permissions import Role, roles
from tests.conftest import SETUP, make_resident


def test_the_administrator_declares_an_organs_seats(cast):
    made = seats.declare_seats(cast.health, seats=3, counting=Counting.STV, by=cast.admin.user)
    assert [s.number for s in made] == [1, 2, 3]
    organ = Organ.objects.get(pk=cast.health.pk)
    assert (organ.seats, organ.counting) == (3, Counting.STV)
    entry = entries(cast.council.ledger_chain).get(kind="mandate.seats_declared")
    assert entry.data["seats"] == 3 and entry.data["counting"] == "stv"
    assert entry.data["seat_ids"] == [s.pk for s in made]
    assert verify().ok


def test_fewer_seats_are_refused_while_a_removed_seat_is_held(cast):
    made = seats.declare_seats(
        cast.health, seats=2, counting=Counting.UNINOMINAL, by=cast.admin.user
    )
    holder = make_resident(cast.council, "Titular")
    services.confer_mandate(
        cast.council,
        holder,
        organ=cast.health,
        seat=made[1],
        kind=MandateKind.SPOKESPERSON,
        by=SETUP,
    )
    with pytest.raises(MandateError, match="Seat 2 cannot be removed"):
        seats.declare_seats(cast.health, seats=1, counting=Counting.UNINOMINAL, by=cast.admin.user)
    assert Organ.objects.get(pk=cast.health.pk).seats == 2
    assert Seat.objects.filter(organ=cast.health).count() == 2


def test_an_unheld_seat_is_removed(cast):
    seats.declare_seats(cast.health, seats=3, counting=Counting.STV, by=cast.admin.user)
    seats.declare_seats(cast.health, seats=1, counting=Counting.UNINOMINAL, by=cast.admin.user)
    assert list(Seat.objects.filter(organ=cast.health).values_list("number", flat=True)) == [1]
    assert verify().ok


@pytest.mark.parametrize("bad", [0, seats.MAX_SEATS + 1])
def test_a_number_of_seats_out_of_bounds_is_refused(cast, bad):
    with pytest.raises(MandateError, match="between 1 and"):
        seats.declare_seats(cast.health, seats=bad, counting=Counting.STV, by=cast.admin.user)


def test_ledger_verify_catches_seats_changed_in_sql(cast):
    seats.declare_seats(cast.health, seats=2, counting=Counting.STV, by=cast.admin.user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Organ._meta.db_table} SET counting = 'uninominal' WHERE id = %s",
            [cast.health.pk],
        )
    report = verify()
    assert any("counting" in p.what for p in report.problems), report.problems


def _comptroller_seat_changing_today(cast, successor: bool):
    """The comptroller unit's second seat (the comptroller persona takes the first when the
    seats are declared): a term ending today and, with ``successor``, the successor's
    starting today. Their users."""
    seat = seats.declare_seats(
        cast.comptroller_organ, seats=2, counting=Counting.UNINOMINAL, by=SETUP
    )[1]
    today = timezone.localdate()
    leaving = make_resident(cast.council, "Saliente", username="saliente")
    coming = make_resident(cast.council, "Entrante", username="entrante")
    services.confer_mandate(
        cast.council,
        leaving,
        organ=cast.comptroller_organ,
        seat=seat,
        kind=MandateKind.SPOKESPERSON,
        starts_on=date(2024, 1, 1),
        ends_on=today,
        by=SETUP,
    )
    if successor:
        services.confer_mandate(
            cast.council,
            coming,
            organ=cast.comptroller_organ,
            seat=seat,
            kind=MandateKind.SPOKESPERSON,
            starts_on=today,
            by=SETUP,
        )
    return leaving, coming


def test_a_term_ending_exactly_today_passes_the_seat_to_the_successor_today(cast, client):
    leaving, coming = _comptroller_seat_changing_today(cast, successor=True)
    today = timezone.localdate()
    holding = next(
        o for o in seats.seat_holders(cast.council) if o.organ == cast.comptroller_organ
    ).seats[1]
    assert holding.principal.resident == coming and holding.vacant_since is None
    active = Mandate.objects.active().filter(organ=cast.comptroller_organ, seat__number=2)
    assert list(active.values_list("resident", flat=True)) == [coming.pk]
    assert Role.COMPTROLLER not in roles(leaving.user, cast.council)
    assert Role.COMPTROLLER in roles(coming.user, cast.council)
    # yesterday the leaving spokesperson still held it
    yesterday = today - timedelta(days=1)
    before = next(
        o for o in seats.seat_holders(cast.council, yesterday) if o.organ == cast.comptroller_organ
    ).seats[1]
    assert before.principal.resident == leaving and before.incoming.resident == coming
    page = client.get(reverse("seats", kwargs={"slug": cast.council.slug})).content.decode()
    section = page.split("Contraloría Social", 1)[1].split("</section>", 1)[0]
    assert "Entrante Prueba" in section and "Saliente Prueba" not in section


def test_a_term_ending_exactly_today_with_no_successor_leaves_the_seat_vacant_since_today(
    cast, client
):
    leaving, _coming = _comptroller_seat_changing_today(cast, successor=False)
    holding = next(
        o for o in seats.seat_holders(cast.council) if o.organ == cast.comptroller_organ
    ).seats[1]
    assert holding.principal is None and holding.vacant_since == timezone.localdate()
    assert not Mandate.objects.active().filter(resident=leaving).exists()
    assert roles(leaving.user, cast.council) == {Role.RESIDENT}
    page = client.get(reverse("seats", kwargs={"slug": cast.council.slug})).content.decode()
    section = page.split("Contraloría Social", 1)[1].split("</section>", 1)[0]
    assert "Saliente Prueba" not in section
    assert "Vacante desde" in section or "Vacant since" in section


def test_declaring_seats_seats_the_mandates_already_in_force(cast):
    """The health committee's spokesperson and substitute were conferred before any seat was
    declared: they take seat 1, recorded in the declaration's entry; moving one to another
    seat behind the ledger's back is caught."""
    made = seats.declare_seats(cast.health, seats=2, counting=Counting.UNINOMINAL, by=SETUP)
    spokesperson = Mandate.objects.get(resident=cast.spokesperson, organ=cast.health)
    substitute = Mandate.objects.get(resident=cast.substitute, organ=cast.health)
    assert (spokesperson.seat, substitute.seat) == (made[0], made[0])
    entry = entries(cast.council.ledger_chain).get(kind="mandate.seats_declared")
    assert {"mandate": spokesperson.pk, "seat": made[0].pk} in entry.data["seated"]
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Mandate._meta.db_table} SET seat_id = %s WHERE id = %s",
            [made[1].pk, spokesperson.pk],
        )
    assert not verify().ok
