"""The parliament tests' world: the cast's commune with its parliament's seats declared (council
A's seat held by the cast's parliamentarian, bound to it), citizens' assemblies of the members
in session, sessions of the parliament, and a helper that carries a motion in an assembly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from comuna.assemblies import attendance, convening, decisions
from comuna.assemblies.models import Motion, Registered, Status
from comuna.federation import parliament
from comuna.territory import services
from comuna.territory.models import BodyKind, MandateKind, OrganKind, Resident
from tests.assemblies.factories import assembly_in
from tests.conftest import SETUP, make_resident


def in_session(body, items=1):
    """A citizens' assembly of ``body`` in session, everybody on its register present."""
    assembly = assembly_in(None, Status.IN_SESSION, body=body, items=items)
    for registered in Registered.objects.filter(assembly=assembly).select_related("resident"):
        attendance.record_presence(assembly, registered.resident, by=SETUP)
    return assembly


def decide(motion, carried=True):
    """The motion's assembly decides it by show of hands: everybody present for (or against)."""
    motion = Motion.objects.select_related("item__assembly").get(pk=motion.pk)
    present = attendance.present(motion.item.assembly)
    votes = (present, 0) if carried else (0, present)
    return decisions.decide_by_hands(
        motion, votes_for=votes[0], votes_against=votes[1], abstentions=0, by=SETUP
    )


def session(commune, items=1, *, open_it=True):
    """A session of the commune's parliament, convened by the service (its register frozen as
    the members seated) and opened."""
    organ = parliament.parliament_of(commune)
    starts = timezone.now() + timedelta(
        days=commune.current_statute().assembly_notice_days, hours=1
    )
    assembly = convening.convene(
        commune,
        title="Sesión ordinaria",
        starts_at=starts,
        place="Casa de la comuna",
        items=[{"text": f"Punto {n}", "majority": "simple"} for n in range(1, items + 1)],
        organ=organ,
        by=SETUP,
    )
    if open_it:
        assembly = attendance.open_session(assembly, by=SETUP, now=starts)
    return assembly


class Federation:
    """The cast's commune with seats declared for A and B, an organisation and the bank; a
    substitute for A's seat; a principal and a substitute for B's."""

    def __init__(self, cast):
        self.cast = cast
        self.commune = cast.commune
        self.organ = cast.parliament
        self.seats = parliament.declare_member_seats(
            self.commune, organisations=["Cooperativa El Maizal"], bank=True, by=SETUP
        )
        self.seat_a, self.seat_b, self.seat_org, self.seat_bank = self.seats
        self.a_principal = cast.parliamentarian.mandates.get()
        self.a_substitute_resident = make_resident(cast.council, "Suplente Parlamento")
        self.a_substitute = self.confer(self.a_substitute_resident, self.seat_a, sub=True)
        self.b_principal_resident = make_resident(cast.other, "Vocera B")
        self.b_principal = self.confer(self.b_principal_resident, self.seat_b)
        self.b_substitute = self.confer(
            make_resident(cast.other, "Suplente B"), self.seat_b, sub=True
        )

    def confer(self, resident, seat, sub=False):
        return services.confer_mandate(
            self.commune,
            resident,
            kind=MandateKind.SUBSTITUTE if sub else MandateKind.SPOKESPERSON,
            organ=self.organ,
            seat=seat,
            starts_on=date(2020, 1, 1),
            ends_on=date(2099, 1, 1),
            by=SETUP,
        )


@pytest.fixture
def federation(cast):
    return Federation(cast)


def more_councils(cast, n):
    """``n`` more councils in the cast's commune, each with one adult resident."""
    made = []
    for i in range(n):
        council = services.create_body(
            name=f"Consejo {i + 3}",
            slug=f"consejo-{i + 3}",
            kind=BodyKind.COUNCIL,
            parent=cast.commune,
            by=SETUP,
        )
        make_resident(council, f"Vecina {i + 3}")
        made.append(council)
    return made


def voters(body):
    return list(Resident.objects.filter(body=body).order_by("pk"))


__all__ = ["OrganKind", "federation"]


def problems():
    """What ``ledger verify`` finds, to show beside a failed ``verify().ok``."""
    from comuna.ledger import verify

    report = verify()
    return [p for c in report.chains.values() for p in c.problems], report.witness_problems
