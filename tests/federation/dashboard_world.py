"""A commune of three councils with needs, projects, budgets, expenses and counted polls, made
through the services, for the dashboard's tests. The cast's commune ``comuna`` holds councils A
and B; council C (in dollars) is added.

- Council A (8 adults: the personas): the funded cycle of tests/cycles/accountability_factories
  (budget counted with 1 ballot of 8; Tanque and Cancha in progress; 5,000.00 allocated,
  6,250.00 received, 3,300.00 spent) and a diagnosis where 5 residents reported 6 needs
  (water 3, health 2, roads 1).
- Council B (6 adults: the outsider and 5 voters): 4 residents reported 4 needs (roads 2,
  water 2); a poll counted with 5 ballots of 6; 1,000.10 received.
- Council C (3 adults, USD): a project done (2,000.00 allocated, answering 1 water need of 1
  reporter), 0.10 and 0.20 received, 0.70 spent; a poll counted with 2 ballots of 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from comuna.cycles import execution as executions
from comuna.cycles import needs
from comuna.cycles.models import CyclePhase, ExecutionStatus
from comuna.territory import services
from comuna.territory.models import Body, BodyKind, Resident
from comuna.voting import services as voting
from tests.conftest import SETUP, add_voters
from tests.cycles.accountability_factories import funded_cycle, spend
from tests.cycles.factories import cycle_in, execution_in


@dataclass
class World:
    commune: Body
    a: Body
    b: Body
    c: Body


def report(cycle, resident, category, title="Una necesidad"):
    return needs.report(
        cycle,
        resident=resident,
        category=category,
        title=title,
        description="Lo que falta, para quién y desde cuándo.",
        by=SETUP,
    )


def counted_poll(body, voters, ballots: int, title="Consulta"):
    """A poll of ``body`` over its register today, ``ballots`` of ``voters`` (users) voting
    yes, counted."""
    poll = voting.create_poll(
        body, title=title, method="single", options=[{"label": "Sí"}, {"label": "No"}], by=SETUP
    )
    voting.open_poll(poll, by=SETUP)
    for user in voters[:ballots]:
        voting.cast(poll, user, "1")
    voting.close_poll(poll, by=SETUP)
    return poll


def council(cast, name: str, slug: str, **fields) -> Body:
    return services.create_body(
        name=name, slug=slug, kind=BodyKind.COUNCIL, parent=cast.commune, by=SETUP, **fields
    )


def funds(body, amount: str, source="Aporte"):
    return executions.record_funds(
        body,
        amount=Decimal(amount),
        currency=body.currency,
        received_on=timezone.localdate() - timedelta(days=1),
        source=source,
        by=SETUP,
    )


def commune_world(cast) -> World:
    a, b = cast.council, cast.other
    c = council(cast, "Consejo C", "consejo-c", currency="USD")

    funded_cycle(cast)
    diagnosis = cycle_in(cast, CyclePhase.DIAGNOSIS)
    for resident, category in [
        (cast.resident, "water"),
        (cast.spokesperson, "water"),
        (cast.electoral, "water"),
        (cast.comptroller, "health"),
        (cast.admin, "health"),
        (cast.resident, "roads"),
    ]:
        report(diagnosis, resident, category)

    b_voters = add_voters(b, 5, "bv")
    b_diagnosis = cycle_in(cast, CyclePhase.DIAGNOSIS, body=b)
    b_residents = [cast.outsider, *Resident.objects.filter(user__in=b_voters).order_by("pk")]
    for resident, category in zip(b_residents, ["roads", "roads", "water", "water"], strict=False):
        report(b_diagnosis, resident, category)
    counted_poll(b, b_voters, 5)
    funds(b, "1000.10")

    c_voters = add_voters(c, 3, "cv")
    done = execution_in(cast, ExecutionStatus.IN_PROGRESS, body=c)
    spend(done, "0.70")
    executions.set_status(done, status=ExecutionStatus.DONE, by=SETUP)
    funds(c, "0.10")
    funds(c, "0.20")
    counted_poll(c, c_voters, 2)
    return World(cast.commune, a, b, c)
