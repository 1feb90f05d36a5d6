"""The participatory budget's services: created over feasible projects only, one receipt code
over several districts, a bad district ballot casts nothing, the count is the engine's, the
explanations in the reader's language, the comparison with other rules, deviations in force
only once the assembly carries them, and `ledger verify` catching SQL edits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from comuna.assemblies import decisions
from comuna.assemblies.models import Attendance, Status
from comuna.choice import pb
from comuna.cycles import budgets
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    BallotKind,
    Budget,
    BudgetDistrict,
    BudgetStatus,
    CyclePhase,
    Deviation,
    DeviationStatus,
    Project,
    ProjectStatus,
)
from comuna.ledger import entries, verify
from comuna.voting import services as voting
from comuna.voting import tally
from comuna.voting.models import Ballot, BoxedBallot, Poll, Voter
from tests.assemblies.factories import assembly_in
from tests.conftest import COUNCIL_A_VOTERS
from tests.cycles.factories import cycle_in

pytestmark = pytest.mark.django_db

VOTERS = ("resident", "spokesperson", "electoral", "comptroller", "admin", "financial")


def projects_of(cycle, *costs, status=ProjectStatus.FEASIBLE, titles=None):
    body = cycle.body
    titles = titles or [f"Proyecto {n}" for n in range(1, len(costs) + 1)]
    return [
        Project.objects.create(
            cycle=cycle,
            title=title,
            description=f"{title} para la comunidad.",
            proposed_by=body.residents.first(),
            cost=Decimal(cost),
            status=status,
        )
        for title, cost in zip(titles, costs, strict=True)
    ]


@pytest.fixture
def cycle(cast):
    return cycle_in(cast, CyclePhase.BUDGET)


@pytest.fixture
def three(cycle):
    """Tanque 3,000, Cancha 2,000, Biblioteca 1,500."""
    return projects_of(cycle, 3000, 2000, 1500, titles=["Tanque", "Cancha", "Biblioteca"])


def make(cast, cycle, **kwargs):
    settings = {"title": "Presupuesto 2026", "ballot_kind": BallotKind.APPROVAL}
    if "districts" not in kwargs:
        settings["amount"] = Decimal("5000")
    return budgets.create(cycle, by=cast.electoral.user, **(settings | kwargs))


def two_districts(cast, cycle):
    north = projects_of(cycle, 1000, 800, 600, titles=["Norte A", "Norte B", "Norte C"])
    south = projects_of(cycle, 900, 700, titles=["Sur A", "Sur B"])
    return make(
        cast,
        cycle,
        districts=[
            {"name": "Norte", "amount": "1500", "projects": north},
            {"name": "Sur", "amount": "1000", "projects": south},
        ],
    )


def opened(cast, budget):
    return budgets.open(budget, by=cast.electoral.user)


# --- creating --------------------------------------------------------------------------------


def test_a_budget_of_one_district_takes_every_feasible_project_keyed_in_order(cast, cycle, three):
    projects_of(cycle, 500, status=ProjectStatus.REJECTED, titles=["Rechazado"])
    budget = make(cast, cycle)
    district = budget.districts.get()
    assert (budget.amount, budget.currency, district.amount) == (
        Decimal("5000"),
        cast.council.currency,
        Decimal("5000"),
    )
    assert [(e.key, e.project) for e in district.entries.all()] == [
        ("1", three[0]),
        ("2", three[1]),
        ("3", three[2]),
    ]
    poll = district.poll
    assert (poll.method, poll.rule, poll.budget, poll.status) == (
        "budget",
        "mes-cost-complete",
        Decimal("5000"),
        "draft",
    )
    assert [o.key for o in poll.options.all()] == ["1", "2", "3"]
    created = entries(cast.council.ledger_chain).get(kind="budget.created")
    assert created.data["districts"][0]["projects"] == [
        ["1", three[0].pk],
        ["2", three[1].pk],
        ["3", three[2].pk],
    ]
    assert verify().ok, _problems()


def test_districts_have_their_own_amounts_and_the_budget_is_their_sum(cast, cycle):
    budget = two_districts(cast, cycle)
    assert budget.amount == Decimal("2500")
    north, south = budget.districts.all()
    assert [e.key for e in north.entries.all()] == ["1", "2", "3"]
    assert [e.key for e in south.entries.all()] == ["4", "5"]
    assert (north.poll.budget, south.poll.budget) == (Decimal("1500"), Decimal("1000"))


def test_a_cart_ballot_may_spend_at_most_the_district_amount_by_default(cast, cycle, three):
    budget = make(cast, cycle, ballot_kind=BallotKind.CART)
    assert budget.districts.get().poll.max_cost == Decimal("5000")


@pytest.mark.parametrize(
    "change, message",
    [
        ("rejected", "not feasible"),
        ("other_cycle", "another cycle"),
        ("phragmen_points", "cannot count"),
        ("zero", "more than zero"),
        ("no_amount", "how much money"),
        ("twice", "in two districts"),
        ("points_without_points", "how many points"),
        ("too_dear", "more than the whole budget"),
    ],
)
def test_create_refuses_and_saves_nothing(cast, cycle, three, change, message):
    kwargs: dict = {}
    if change == "rejected":
        (bad,) = projects_of(cycle, 100, status=ProjectStatus.REJECTED)
        kwargs["districts"] = [{"name": "Uno", "amount": "5000", "projects": [*three, bad]}]
    elif change == "other_cycle":
        (bad,) = projects_of(cycle_in(cast, CyclePhase.BUDGET), 100)
        kwargs["districts"] = [{"name": "Uno", "amount": "5000", "projects": [*three, bad]}]
    elif change == "phragmen_points":
        kwargs = {"ballot_kind": BallotKind.POINTS, "max_points": 10, "rule": "phragmen"}
    elif change == "zero":
        kwargs["amount"] = "0"
    elif change == "no_amount":
        kwargs["amount"] = None
    elif change == "twice":
        kwargs["districts"] = [
            {"name": "Uno", "amount": "5000", "projects": three},
            {"name": "Dos", "amount": "5000", "projects": three[:2]},
        ]
    elif change == "points_without_points":
        kwargs = {"ballot_kind": BallotKind.POINTS, "rule": "greedy-cost"}
    elif change == "too_dear":
        kwargs["amount"] = "2500"
    polls = Poll.objects.count()
    with pytest.raises(CycleError, match=message):
        make(cast, cycle, **kwargs)
    assert not Budget.objects.exists() and not BudgetDistrict.objects.exists()
    assert Poll.objects.count() == polls
    assert not entries(cast.council.ledger_chain).filter(kind="budget.created").exists()


def test_a_draft_is_edited_and_rebuilt_and_verify_holds(cast, cycle, three):
    budget = make(cast, cycle)
    budget = budgets.edit(
        budget, amount=Decimal("6000"), rule="greedy-cost", max_projects=2, by=cast.electoral.user
    )
    district = budget.districts.get()
    assert (budget.amount, budget.rule, district.poll.rule) == (
        Decimal("6000"),
        "greedy-cost",
        "greedy-cost",
    )
    assert district.poll.max_choices == 2
    assert Poll.objects.filter(pk__in=[district.poll_id]).count() == 1
    assert verify().ok, _problems()
    opened(cast, budget)
    with pytest.raises(CycleError, match="draft"):
        budgets.edit(budget, title="Otro", by=cast.electoral.user)


# --- casting ---------------------------------------------------------------------------------


def _in_box(poll, code) -> bool:
    hashed = voting.receipt_hash(poll.pk, code)
    return (
        BoxedBallot.objects.filter(poll=poll, receipt_hash=hashed).exists()
        or Ballot.objects.filter(poll=poll, receipt_hash=hashed).exists()
    )


def test_one_receipt_code_casts_in_every_district(cast, cycle):
    budget = opened(cast, two_districts(cast, cycle))
    north, south = budget.districts.all()
    code = budgets.cast(
        budget, user=cast.resident.user, choices={north.pk: ["1", "3"], south.pk: ["5"]}
    )
    assert _in_box(north.poll, code) and _in_box(south.poll, code)
    assert voting.receipt_hash(north.poll.pk, code) != voting.receipt_hash(south.poll.pk, code)
    assert Voter.objects.filter(user=cast.resident.user, has_voted=True).count() == 2


def test_a_bad_ballot_in_one_district_casts_nothing(cast, cycle):
    budget = opened(cast, two_districts(cast, cycle))
    north, south = budget.districts.all()
    with pytest.raises(CycleError, match="Sur"):
        budgets.cast(budget, user=cast.resident.user, choices={north.pk: ["1"], south.pk: ["1"]})
    assert not Voter.objects.filter(user=cast.resident.user, has_voted=True).exists()
    assert not BoxedBallot.objects.exists() and not Ballot.objects.exists()


def test_a_cart_over_its_limit_is_refused(cast, cycle, three):
    budget = opened(cast, make(cast, cycle, ballot_kind=BallotKind.CART, max_cost="4000"))
    district = budget.districts.get()
    with pytest.raises(CycleError, match="more than"):
        budgets.cast(budget, user=cast.resident.user, choices={district.pk: ["1", "2"]})
    assert not Voter.objects.filter(user=cast.resident.user, has_voted=True).exists()


def test_the_running_total_counts_the_chosen_projects_per_district(cast, cycle):
    budget = two_districts(cast, cycle)
    north, south = budget.districts.all()
    found = budgets.spent(budget, {north.pk: ["1", "2"], south.pk: []})
    assert [(s.district, s.spent, s.limit, s.over) for s in found] == [
        (north, Decimal("1800"), Decimal("1500"), False),
        (south, Decimal("0"), Decimal("1000"), False),
    ]


# --- the count and its explanations ----------------------------------------------------------


BALLOTS = {  # approval ballots over Tanque (3,000), Cancha (2,000), Biblioteca (1,500)
    "resident": ["1", "2"],
    "spokesperson": ["1", "2"],
    "electoral": ["1", "2"],
    "comptroller": ["1", "2"],
    "admin": ["3"],
    "financial": ["3"],
}


@pytest.fixture
def counted(cast, cycle, three):
    budget = opened(cast, make(cast, cycle))
    district = budget.districts.get()
    for persona, choices in BALLOTS.items():
        budgets.cast(budget, user=getattr(cast, persona).user, choices={district.pk: choices})
    return budgets.count(budget, by=cast.electoral.user)


def test_the_count_is_the_engines_on_the_same_ballots(cast, counted):
    district = counted.districts.get()
    poll = Poll.objects.get(pk=district.poll_id)
    expected = list(pb.run("mes-cost-complete", tally.pb_instance(poll)).selected)
    assert counted.status == BudgetStatus.COUNTED
    assert poll.result["winners"] == expected
    assert budgets.funded(counted) == [k for k in ("1", "2", "3") if k in expected]
    entry = entries(cast.council.ledger_chain).get(kind="budget.counted")
    assert entry.data["districts"][0]["funded"] == expected
    assert verify().ok, _problems()


def test_the_comparison_is_each_rules_outcome_and_names_the_projects_that_differ(counted):
    (found,) = budgets.outcome(counted)
    poll = Poll.objects.get(pk=found.district.poll_id)
    inst = tally.pb_instance(poll)
    by_rule = {c.rule: c.funded for c in found.columns}
    assert list(by_rule) == ["mes-cost-complete", "greedy-cost", "phragmen"]
    for rule, keys in by_rule.items():
        assert keys == list(pb.run(rule, inst).selected)
    own = set(by_rule["mes-cost-complete"])
    differ = set().union(*(set(k) ^ own for k in by_rule.values()))
    assert set(found.differ) == differ
    # greedy by votes funds Tanque and Cancha (4 votes each); under Equal Shares the four
    # who paid for Tanque cannot also pay for Cancha, and the two others get Biblioteca
    assert by_rule["greedy-cost"] == ["1", "2"]
    assert by_rule["mes-cost-complete"] == ["1", "3"]
    assert {"2", "3"} <= set(found.differ)


def test_phragmen_is_not_applicable_to_points_ballots(cast, counted):
    district = counted.districts.get()
    Poll.objects.filter(pk=district.poll_id).update(vote_type="cumulative")
    compared = budgets.compare(Poll.objects.get(pk=district.poll_id))
    if tally.pb_instance(Poll.objects.get(pk=district.poll_id)).vote_type == "approval":
        pytest.skip("budget polls of points ballots come with the pb part's voting changes")
    assert compared["phragmen"] is None


def test_an_unfunded_project_says_why_in_spanish(counted):
    with translation.override("es"):
        (found,) = budgets.outcome(counted)
    unfunded = [p for p in found.projects if not p.counted]
    assert unfunded, "the ballots leave a project out"
    said = " ".join(unfunded[0].sentences)
    assert unfunded[0].entry.project.title == "Cancha"
    assert "Sus partidarios no pudieron pagarlo" in said, said
    assert "Su costo de 2.000 no cabía en los 500 que aún quedaban" in said, said


# --- deviations ------------------------------------------------------------------------------


def _decide(cast, deviation, carried: bool):
    motion = decisions.propose_motion(
        deviation.item, text="Aprobar el cambio", by=cast.electoral.user
    )
    assembly = deviation.item.assembly
    for registered in assembly.registered.select_related("resident")[:COUNCIL_A_VOTERS]:
        Attendance.objects.get_or_create(assembly=assembly, resident=registered.resident)
    yes, no = (6, 1) if carried else (1, 6)
    decisions.decide_by_hands(
        motion, votes_for=yes, votes_against=no, abstentions=1, by=cast.electoral.user
    )
    deviation.refresh_from_db()
    return deviation


def _unfunded_entry(budget):
    (found,) = budgets.outcome(budget)
    return next(p.entry for p in found.projects if not p.counted)


def test_a_deviation_changes_the_funded_list_only_when_the_assembly_carries_it(cast, counted):
    before = budgets.funded(counted)
    entry = _unfunded_entry(counted)
    assembly = assembly_in(cast, Status.IN_SESSION, items=1)
    first = budgets.propose_deviation(
        counted,
        entry=entry,
        change="fund",
        reason="La escuela lo necesita antes del invierno.",
        assembly=assembly,
        by=cast.electoral.user,
    )
    assert first.status == DeviationStatus.PROPOSED and first.item.assembly == assembly
    assert budgets.funded(counted) == before
    with pytest.raises(CycleError, match="already waits"):
        budgets.propose_deviation(
            counted,
            entry=entry,
            change="fund",
            reason="Otra vez",
            assembly=assembly,
            by=cast.electoral.user,
        )
    assert _decide(cast, first, carried=False).status == DeviationStatus.REJECTED
    assert budgets.funded(counted) == before
    second = budgets.propose_deviation(
        counted,
        entry=entry,
        change="fund",
        reason="La escuela lo necesita antes del invierno.",
        assembly=assembly,
        by=cast.electoral.user,
    )
    assert _decide(cast, second, carried=True).status == DeviationStatus.CARRIED
    assert entry.key in budgets.funded(counted)
    assert set(budgets.funded(counted)) == set(before) | {entry.key}
    (found,) = budgets.outcome(counted)
    changed = next(p for p in found.projects if p.entry == entry)
    assert (changed.counted, changed.funded, changed.deviation) == (False, True, second)
    kinds = [e.kind for e in entries(cast.council.ledger_chain).filter(kind__startswith="budget.")]
    assert kinds.count("budget.deviation_decided") == 2
    assert verify().ok, _problems()


def test_a_deviation_its_assembly_never_decided_lapses_when_another_is_proposed(cast, counted):
    from comuna.assemblies.models import Assembly

    entry = _unfunded_entry(counted)
    again = {
        "entry": entry,
        "change": "fund",
        "reason": "La escuela lo necesita antes del invierno.",
        "by": cast.electoral.user,
    }
    first = budgets.propose_deviation(
        counted, assembly=assembly_in(cast, Status.IN_SESSION, items=1), **again
    )
    with pytest.raises(CycleError, match="already waits"):  # its assembly may still decide it
        budgets.propose_deviation(
            counted, assembly=assembly_in(cast, Status.IN_SESSION, items=1), **again
        )
    Assembly.objects.filter(pk=first.item.assembly_id).update(status=Status.FAILED)
    second = budgets.propose_deviation(
        counted, assembly=assembly_in(cast, Status.IN_SESSION, items=1), **again
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (DeviationStatus.LAPSED, DeviationStatus.PROPOSED)
    lapsed = entries(cast.council.ledger_chain).filter(kind="budget.deviation_lapsed")
    assert [e.data["deviation"] for e in lapsed] == [first.pk]
    assert lapsed.get().data["assembly_status"] == Status.FAILED
    assert _decide(cast, second, carried=True).status == DeviationStatus.CARRIED
    assert entry.key in budgets.funded(counted)
    assert verify().ok, _problems()
    _sql(  # the lapsed one said rejected behind the ledger's back
        f"UPDATE {Deviation._meta.db_table} SET status = %s WHERE id = %s",
        [DeviationStatus.REJECTED, first.pk],
    )
    assert not verify().ok


def test_a_deviation_needs_a_reason_and_a_counted_budget(cast, cycle, three, counted):
    entry = _unfunded_entry(counted)
    assembly = assembly_in(cast, Status.IN_SESSION, items=1)
    with pytest.raises(CycleError, match="Say why"):
        budgets.propose_deviation(
            counted,
            entry=entry,
            change="fund",
            reason=" ",
            assembly=assembly,
            by=cast.electoral.user,
        )
    with pytest.raises(CycleError, match="not funded"):
        budgets.propose_deviation(
            counted,
            entry=entry,
            change="unfund",
            reason="No",
            assembly=assembly,
            by=cast.electoral.user,
        )
    assert not Deviation.objects.exists()


# --- the ledger ------------------------------------------------------------------------------


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_catches_a_district_amount_edited_with_sql(cast, cycle, three):
    budget = make(cast, cycle)
    assert verify().ok, _problems()
    district = budget.districts.get()
    _sql(
        f"UPDATE {BudgetDistrict._meta.db_table} SET amount = %s WHERE id = %s",
        ["9000", district.pk],
    )
    assert not verify().ok


def test_verify_catches_a_funded_list_edited_with_sql(counted):
    assert verify().ok, _problems()
    poll = Poll.objects.get(pk=counted.districts.get().poll_id)
    result = dict(poll.result)
    result["winners"] = ["1", "2", "3"]
    Poll.objects.filter(pk=poll.pk).update(result=result)
    assert not verify().ok


def test_verify_catches_a_deviation_edited_with_sql(cast, counted):
    deviation = budgets.propose_deviation(
        counted,
        entry=_unfunded_entry(counted),
        change="fund",
        reason="Hace falta.",
        assembly=assembly_in(cast, Status.IN_SESSION, items=1),
        by=cast.electoral.user,
    )
    assert verify().ok, _problems()
    _sql(
        f"UPDATE {Deviation._meta.db_table} SET status = %s WHERE id = %s",
        [DeviationStatus.CARRIED, deviation.pk],
    )
    assert not verify().ok


def _problems():
    report = verify()
    return [p for c in report.chains.values() for p in c.problems], report.witness_problems
