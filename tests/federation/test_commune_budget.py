"""A commune-wide participatory budget (issue 15, point 4): one district per member council, on
that council's own register, plus a commune-wide pot on the commune's; a resident votes in
their council's district and commune-wide with one ballot and one receipt code, never in
another council's district; the count per district and overall; `ledger verify` green."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comuna.cycles import budgets
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    BallotKind,
    Budget,
    BudgetStatus,
    CostItem,
    CyclePhase,
    Project,
    ProjectStatus,
)
from comuna.federation import plan
from comuna.ledger import entries, verify
from comuna.territory import services
from comuna.territory.models import MandateKind, OrganKind
from comuna.voting.models import Poll
from tests.conftest import SETUP, ballots_cast, make_resident
from tests.cycles.factories import cycle_in
from tests.federation.parliament_fixtures import more_councils

pytestmark = pytest.mark.django_db


def seat(body, organ, resident):
    services.confer_mandate(
        body,
        resident,
        organ=organ,
        kind=MandateKind.SPOKESPERSON,
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 1, 1),
        by=SETUP,
    )


def feasible(cycle, *rows, by=None):
    """Feasible projects of ``cycle``: (title, cost) rows, each with one cost item, proposed
    by ``by`` (a resident of the cycle's body by default)."""
    made = []
    for title, cost in rows:
        project = Project.objects.create(
            cycle=cycle,
            title=title,
            description=f"{title}: para la comunidad.",
            proposed_by=by or cycle.body.residents.first(),
            cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
        )
        CostItem.objects.create(
            project=project, description="Materiales", quantity=1, unit_cost=Decimal(cost)
        )
        made.append(project)
    return made


class World:
    """The cast's commune with three councils (A, B and a third, C), each with a cycle of
    feasible projects; the commune's electoral commission and coordination collective; the
    commune's cycle in its review phase with every council project included, and one of its
    own for the commune-wide pot."""

    def __init__(self, cast):
        self.cast = cast
        self.commune = cast.commune
        self.a, self.b = cast.council, cast.other
        (self.c,) = more_councils(cast, 1)
        self.c_voter = make_resident(self.c, "Votante C", username="c_voter")
        electoral = services.create_organ(
            self.commune, by=SETUP, kind=OrganKind.ELECTORAL, name="Comisión Electoral Comunal"
        )
        coordination = services.create_organ(
            self.commune, by=SETUP, kind=OrganKind.COORDINATION, name="Colectivo de Coordinación"
        )
        self.electoral = make_resident(self.a, "Electoral Comunal", username="commune_electoral")
        self.coordinator = make_resident(self.b, "Coordinadora", username="commune_coordinator")
        seat(self.commune, electoral, self.electoral)
        seat(self.commune, coordination, self.coordinator)
        self.sources = {
            self.a: feasible(cycle_in(cast, CyclePhase.BUDGET, self.a), ("A1", 900), ("A2", 600)),
            self.b: feasible(cycle_in(cast, CyclePhase.BUDGET, self.b), ("B1", 800), ("B2", 500)),
            self.c: feasible(cycle_in(cast, CyclePhase.BUDGET, self.c), ("C1", 700), ("C2", 400)),
        }
        self.cycle = cycle_in(cast, CyclePhase.REVIEW, self.commune)
        self.included = {
            council: [
                plan.include_project(self.cycle, p, by=self.coordinator.user) for p in projects
            ]
            for council, projects in self.sources.items()
        }
        self.own = feasible(
            self.cycle, ("Vialidad comunal", 1500), ("Mercado comunal", 1200), by=cast.resident
        )

    def districts(self, **changes):
        rows = [
            {
                "name": council.name,
                "voters_body": council,
                "amount": Decimal("1000"),
                "projects": self.included[council],
            }
            for council in (self.a, self.b, self.c)
        ]
        rows.append({"name": "Toda la comuna", "amount": Decimal("2000"), "projects": self.own})
        for n, change in changes.items():
            rows[int(n[1:])].update(change)
        return rows

    def budget(self, **kwargs):
        settings = {
            "title": "Presupuesto comunal",
            "ballot_kind": BallotKind.APPROVAL,
            "districts": self.districts(),
        }
        return budgets.create(self.cycle, by=self.electoral.user, **(settings | kwargs))

    def district(self, budget, body):
        return budget.districts.get(voters_body=body)

    def pot(self, budget):
        return budget.districts.get(voters_body=None)

    def every_district(self, budget):
        """A's, B's and C's districts and the pot."""
        return [budget.districts.get(voters_body=x) for x in (self.a, self.b, self.c, None)]


@pytest.fixture
def world(cast):
    return World(cast)


def ok():
    report = verify()
    return report.ok, [p for c in report.chains.values() for p in c.problems]


# --- creating ------------------------------------------------------------------------------


def test_each_council_district_is_a_poll_of_that_council_and_the_pot_of_the_commune(world):
    budget = world.budget()
    assert budget.amount == Decimal("5000")
    rows = list(budget.districts.select_related("poll", "voters_body"))
    assert [(d.name, d.voters_body, d.poll.body) for d in rows] == [
        ("Consejo A", world.a, world.a),
        ("Consejo B", world.b, world.b),
        ("Consejo 3", world.c, world.c),
        ("Toda la comuna", None, world.commune),
    ]
    assert [e.project for e in rows[1].entries.all()] == world.included[world.b]
    created = entries(world.commune.ledger_chain).get(kind="budget.created")
    assert [d.get("voters_body") for d in created.data["districts"]] == [
        world.a.pk,
        world.b.pk,
        world.c.pk,
        None,
    ]
    assert ok() == (True, [])


def refused(world, message, **changes):
    before = (Budget.objects.count(), Poll.objects.count())
    with pytest.raises(CycleError) as caught:
        world.budget(districts=world.districts(**changes))
    assert message in str(caught.value)
    assert (Budget.objects.count(), Poll.objects.count()) == before


def test_a_council_district_with_fewer_than_two_projects_is_refused_naming_it(world):
    refused(
        world,
        "Consejo B needs at least two feasible projects",
        d1={"projects": world.included[world.b][:1]},
    )


def test_an_amount_missing_is_refused_naming_the_district(world):
    refused(world, "The budget of Consejo 3 must be an amount", d2={"amount": None})
    refused(world, "The budget of Toda la comuna must be", d3={"amount": ""})


def test_a_project_in_two_districts_is_refused_naming_both(world):
    own = world.own + world.included[world.a][:1]
    refused(world, "is in two districts: Consejo A and Toda la comuna", d3={"projects": own})


def test_a_council_district_takes_only_the_projects_that_council_brought(world):
    mixed = world.included[world.a][:1] + world.included[world.b][:1]
    refused(world, "“B1” is not from the plan of Consejo A", d0={"projects": mixed})
    refused(
        world, "“Vialidad comunal” is not from the plan of Consejo B", d1={"projects": world.own}
    )


def test_a_council_votes_in_one_district_only_and_only_a_member_votes(world, cast):
    refused(world, "Consejo A votes in two districts", d1={"voters_body": world.a})
    refused(world, "must be a member federated into Comuna", d1={"voters_body": cast.city})


# --- the vote ------------------------------------------------------------------------------


def opened(world):
    return budgets.open(world.budget(), by=world.electoral.user)


def keys(district):
    return [e.key for e in district.entries.order_by("pk")]


def test_the_registers_are_each_councils_and_the_communes(world):
    budget = opened(world)
    a, b, c, pot = world.every_district(budget)
    residents = {body: set(body.residents.values_list("pk", flat=True)) for body in (world.a,)}
    assert set(a.poll.voters.values_list("resident__body", flat=True)) == {world.a.pk}
    assert set(b.poll.voters.values_list("resident__body", flat=True)) == {world.b.pk}
    assert set(c.poll.voters.values_list("resident__body", flat=True)) == {world.c.pk}
    assert set(pot.poll.voters.values_list("resident__body", flat=True)) == {
        world.a.pk,
        world.b.pk,
        world.c.pk,
    }
    assert residents[world.a] >= set(a.poll.voters.values_list("resident", flat=True))
    opened_entry = entries(world.commune.ledger_chain).get(kind="budget.opened")
    assert opened_entry.data["polls"] == [a.poll_id, b.poll_id, c.poll_id, pot.poll_id]


def test_a_resident_votes_in_their_councils_district_and_the_pot_only(world, cast):
    budget = opened(world)
    a, b, c, pot = world.every_district(budget)
    assert budgets.voting_districts(budget, cast.resident.user) == [a, pot]
    assert budgets.voting_districts(budget, cast.outsider.user) == [b, pot]
    assert budgets.voting_districts(budget, world.c_voter.user) == [c, pot]
    code = budgets.cast(
        budget, user=cast.resident.user, choices={a.pk: keys(a)[:1], pot.pk: keys(pot)}
    )
    assert len(code) == 19
    assert a.poll.voters.get(user=cast.resident.user).has_voted
    assert pot.poll.voters.get(user=cast.resident.user).has_voted
    assert ballots_cast(a.poll) == [keys(a)[:1]] and ballots_cast(pot.poll) == [keys(pot)]


def test_a_ballot_in_another_councils_district_is_refused_and_nothing_is_cast(world, cast):
    budget = opened(world)
    a, b, pot = world.district(budget, world.a), world.district(budget, world.b), world.pot(budget)
    with pytest.raises(CycleError) as caught:
        budgets.cast(
            budget,
            user=cast.resident.user,
            choices={a.pk: keys(a)[:1], b.pk: keys(b)[:1], pot.pk: keys(pot)[:1]},
        )
    assert "You do not vote in Consejo B: only the residents of Consejo B" in str(caught.value)
    assert ballots_cast() == []
    assert not a.poll.voters.filter(has_voted=True).exists()


# --- the count -----------------------------------------------------------------------------


def test_the_count_is_per_district_and_overall(world, cast):
    budget = opened(world)
    a, b, c, pot = world.every_district(budget)
    # A: A1 (900) and A2 (600) on a 1,000 budget; A2 has more votes. Pot: Vialidad (1,500)
    a1, a2 = keys(a)
    road, market = keys(pot)
    budgets.cast(budget, user=cast.resident.user, choices={a.pk: [a2], pot.pk: [road]})
    budgets.cast(budget, user=cast.spokesperson.user, choices={a.pk: [a1, a2], pot.pk: [road]})
    budgets.cast(budget, user=cast.outsider.user, choices={b.pk: keys(b)[:1], pot.pk: [market]})
    budgets.cast(budget, user=world.c_voter.user, choices={c.pk: keys(c)})
    budget = budgets.count(budget, by=world.electoral.user)
    assert budget.status == BudgetStatus.COUNTED
    found = budgets.outcome(budget)
    assert [d.district.name for d in found] == [
        "Consejo A",
        "Consejo B",
        "Consejo 3",
        "Toda la comuna",
    ]
    winners = {d.district.name: [p.entry.key for p in d.projects if p.funded] for d in found}
    assert winners["Consejo A"] == [a2]
    assert winners["Toda la comuna"] == [road]
    assert all(d.general or any(p.sentences for p in d.projects) for d in found)
    whole = budgets.overall(budget, found)
    spent = sum((d.funded_cost for d in found), Decimal(0))
    assert whole.amount == Decimal("5000") and whole.spent == spent
    assert whole.left == Decimal("5000") - spent
    assert Decimal("600") + Decimal("1500") <= spent
    origins = {o.body: [p.entry.key for p in o.projects] for o in whole.origins}
    assert origins[world.a] == [a2]
    assert origins[None] == [road]
    assert whole.funded == sum(len(v) for v in origins.values())
    counted = entries(world.commune.ledger_chain).get(kind="budget.counted")
    assert [d["funded"] for d in counted.data["districts"]][0] == [a2]
    # one .pb per district
    text = budgets.export_pb(budget, b)
    assert "B1" in text and "A1" not in text
    assert ok() == (True, [])
