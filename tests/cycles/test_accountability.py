"""The accountability figures: per project and in total, money received, allocated (and
authorised beyond the allocation, apart), spent (a reversal subtracts) and left, in Decimal;
the milestones done, late and overdue; the same arithmetic as ``execution.totals``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comuna.cycles import accountability
from comuna.cycles import execution as executions
from tests.conftest import SETUP
from tests.cycles.accountability_factories import funded_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(cast):
    return funded_cycle(cast)


def _by_title(account):
    return {p.project.title: p for p in account.projects}


def test_each_project_has_its_allocation_authorisation_spending_and_what_is_left(funded):
    projects = _by_title(accountability.for_cycle(funded.cycle))
    tanque, cancha = projects["Tanque"], projects["Cancha"]
    # Tanque: 1,000 + 500 − 500 (the reversal) of 3,000
    assert (tanque.allocation, tanque.authorised, tanque.spent, tanque.left) == (
        Decimal("3000.00"),
        Decimal("0.00"),
        Decimal("1000.00"),
        Decimal("2000.00"),
    )
    assert (tanque.expenses, tanque.reversals, tanque.over) == (3, 1, Decimal("0.00"))
    # Cancha: 2,000 + 300 of 2,000, with 500 more the assembly authorised (shown apart)
    assert (cancha.allocation, cancha.authorised, cancha.ceiling) == (
        Decimal("2000.00"),
        Decimal("500.00"),
        Decimal("2500.00"),
    )
    assert (cancha.spent, cancha.left, cancha.over) == (
        Decimal("2300.00"),
        Decimal("200.00"),
        Decimal("300.00"),
    )
    assert all(isinstance(v, Decimal) for v in accountability.figures_of(cancha).values())


def test_the_figures_agree_with_the_execution_service(funded):
    for account in accountability.for_cycle(funded.cycle).projects:
        theirs = executions.totals(account.execution)
        assert accountability.figures_of(account) == {
            "allocation": theirs.allocation,
            "authorised": theirs.authorised,
            "ceiling": theirs.ceiling,
            "spent": theirs.spent,
            "left": theirs.left,
        }
        assert account.over == theirs.over_allocation


def test_the_cycle_totals_add_up_received_allocated_spent_and_left(cast, funded):
    (totals,) = accountability.for_cycle(funded.cycle).totals
    assert totals.currency == cast.council.currency
    assert totals.received == Decimal("6000.00")  # the body-wide 250 is not the cycle's
    assert totals.allocation == Decimal("5000.00")
    assert totals.authorised == Decimal("500.00")
    assert totals.spent == Decimal("3300.00")
    assert totals.left == Decimal("2200.00")
    assert totals.balance == Decimal("2700.00")
    assert totals.projects == 2


def test_the_body_totals_count_every_cycle_and_money_received_for_none(cast, funded):
    account = accountability.for_body(cast.council)
    (totals,) = account.totals
    assert totals.received == Decimal("6250.00")
    assert totals.spent == Decimal("3300.00")
    assert [f.source for f in account.unassigned] == ["Rifa comunitaria"]
    [cycle] = [c for c in account.cycles if c.projects]
    assert cycle.cycle == funded.cycle
    assert [b.pk for b in account.budgets] == [funded.budget.pk]


def test_milestones_are_done_late_overdue_or_pending(funded):
    projects = _by_title(accountability.for_cycle(funded.cycle))
    states = {
        m.title: m.state for p in (projects["Tanque"], projects["Cancha"]) for m in p.milestones
    }
    assert states == {
        "Base de concreto": "done",
        "Tanque instalado": "overdue",
        "Piso nivelado": "late",
        "Arcos y mallas": "pending",
    }
    assert (projects["Tanque"].done, projects["Tanque"].overdue) == (1, 1)
    assert (projects["Cancha"].done, projects["Cancha"].overdue) == (1, 0)


def test_an_abandoned_projects_open_milestones_are_not_overdue(funded):
    executions.set_status(
        funded.tanque, status="abandoned", reason="El proveedor quebró.", by=SETUP
    )
    tanque = _by_title(accountability.for_cycle(funded.cycle))["Tanque"]
    assert tanque.overdue == 0
    assert tanque.execution.status_reason == "El proveedor quebró."


def test_a_milestone_due_today_is_not_overdue_yet(funded):
    today = timezone.localdate()
    executions.add_milestone(funded.cancha, title="Hoy", due_on=today, by=SETUP)
    cancha = _by_title(accountability.for_cycle(funded.cycle, today))["Cancha"]
    assert next(m for m in cancha.milestones if m.title == "Hoy").state == "pending"
    tomorrow = _by_title(accountability.for_cycle(funded.cycle, today + timedelta(days=1)))
    assert next(m for m in tomorrow["Cancha"].milestones if m.title == "Hoy").state == "overdue"


def test_amounts_in_another_currency_are_totalled_apart(cast, funded):
    from comuna.cycles.models import FundsReceived

    FundsReceived.objects.create(
        body=cast.council,
        cycle=funded.cycle,
        amount=Decimal("100"),
        currency="USD" if cast.council.currency != "USD" else "EUR",
        received_on=timezone.localdate(),
        source="Donación",
    )
    totals = accountability.for_cycle(funded.cycle).totals
    assert [t.currency for t in totals][0] == cast.council.currency
    assert [t.received for t in totals] == [Decimal("6000.00"), Decimal("100.00")]


def test_the_figures_take_the_same_few_queries_however_many_projects(
    cast, funded, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as one_cycle:
        accountability.for_body(cast.council)
    funded_cycle(cast)  # a second cycle: two more projects, their expenses and milestones
    with django_assert_num_queries(len(one_cycle.captured_queries)):
        account = accountability.for_body(cast.council)
    assert sum(len(c.projects) for c in account.cycles) == 4
