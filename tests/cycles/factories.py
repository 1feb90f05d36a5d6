"""Cycles, needs, projects and budgets of council A in any phase, made straight from the models
(so the tests of one part do not depend on another part's services). Tests of a service use the
service. OBJECTS (model -> maker) joins tests/web/test_permission_matrix.OBJECTS.

The ledger: an object made here has no entry of its own; a part whose ``ledger verify`` chain
check needs one writes it in its own factory helper."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from comuna.cycles.models import (
    Budget,
    BudgetDistrict,
    BudgetProject,
    BudgetStatus,
    CostItem,
    Cycle,
    CyclePhase,
    Execution,
    Need,
    NeedCategory,
    Project,
    ProjectStatus,
)

# days from today to each date of the calendar (starts, diagnosis, prioritisation, planning,
# review, budget, ends), so that today falls in the phase
_ORDER = [p for p in CyclePhase.values]


def calendar_for(phase: str) -> list[int]:
    """Offsets in days of (starts_on, diagnosis_until, prioritisation_until, planning_until,
    review_until, budget_until, ends_on) putting today in ``phase``."""
    index = _ORDER.index(phase)  # planned 0, diagnosis 1, ..., execution 6, closed 7
    # today is day 0; the phase's own span covers day 0, each span 10 days long
    start = -10 * (index - 1) - 5 if index >= 1 else 5
    return [start + 10 * i for i in range(7)]


def cycle_in(cast, phase: str | None = None, body=None) -> Cycle:
    body = body or cast.council
    phase = phase or CyclePhase.DIAGNOSIS
    today = timezone.localdate()
    days = [today + timedelta(days=d) for d in calendar_for(phase)]
    cycle = Cycle.objects.create(
        body=body,
        title=f"Ciclo comunal ({phase})",
        starts_on=days[0],
        diagnosis_until=days[1],
        prioritisation_until=days[2],
        planning_until=days[3],
        review_until=days[4],
        budget_until=days[5],
        ends_on=days[6],
    )
    assert cycle.phase() == phase, (phase, cycle.phase())
    return cycle


def need_in(cast, phase: str | None = None, body=None, *, by=None) -> Need:
    """A need reported by the resident persona (council A) in a cycle in ``phase``."""
    cycle = cycle_in(cast, phase, body)
    reporter = by or (cast.resident if cycle.body == cast.council else cycle.body.residents.first())
    return Need.objects.create(
        cycle=cycle,
        category=NeedCategory.WATER,
        title="Falta agua en la calle 3",
        description="El agua llega dos días por semana.",
        place="Calle 3",
        reported_by=reporter,
    )


def project_in(cast, phase: str | None = None, body=None, *, status=ProjectStatus.SUBMITTED):
    """A project proposed by the resident persona, answering one need, with two cost items
    (1,000 + 2 × 500 = 2,000), the health committee responsible."""
    need = need_in(cast, phase, body)
    council = need.cycle.body == cast.council
    project = Project.objects.create(
        cycle=need.cycle,
        title="Tanque de agua comunitario",
        description="Un tanque de 10.000 litros para la calle 3.",
        category=NeedCategory.WATER,
        proposed_by=need.reported_by,
        committee=cast.health if council else None,
        place="Calle 3",
        cost=Decimal("2000.00"),
        status=status,
    )
    project.needs.set([need])
    CostItem.objects.create(project=project, description="Tanque", unit_cost=Decimal("1000"))
    CostItem.objects.create(
        project=project, description="Tubería", quantity=Decimal("2"), unit_cost=Decimal("500")
    )
    return project


def budget_in(cast, status: str | None = None, body=None) -> Budget:
    """A budget of 5,000 over three feasible projects (3,000, 2,000, 1,500) of a cycle in its
    budget phase, one district, approval ballots, counted with mes-cost-complete; its poll made
    through the voting services (open: the vote is open; counted: closed with no ballot)."""
    from comuna.voting import services as voting
    from tests.conftest import SETUP

    status = status or BudgetStatus.DRAFT
    cycle = cycle_in(cast, CyclePhase.BUDGET, body)
    body = cycle.body
    projects = []
    for title, cost in (("Tanque", "3000"), ("Cancha", "2000"), ("Biblioteca", "1500")):
        project = Project.objects.create(
            cycle=cycle,
            title=title,
            description=f"{title} para la comunidad.",
            proposed_by=body.residents.first(),
            cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
        )
        projects.append(project)
    budget = Budget.objects.create(
        body=body,
        cycle=cycle,
        title="Presupuesto participativo",
        amount=Decimal("5000"),
        currency=body.currency,
        rule="mes-cost-complete",
        status=status,
    )
    district = BudgetDistrict.objects.create(budget=budget, name=body.name, amount=budget.amount)
    for n, project in enumerate(projects, start=1):
        BudgetProject.objects.create(district=district, project=project, key=str(n))
    poll = voting.create_poll(
        body,
        title=budget.title,
        method="budget",
        rule=budget.rule,
        budget=budget.amount,
        options=[
            {"key": str(n), "label": p.title, "cost": p.cost}
            for n, p in enumerate(projects, start=1)
        ],
        by=SETUP,
    )
    district.poll = poll
    district.save()
    if status in (BudgetStatus.OPEN, BudgetStatus.COUNTED):
        voting.open_poll(poll, by=SETUP)
    if status == BudgetStatus.COUNTED:
        voting.close_poll(poll, by=SETUP)
    return budget


def execution_in(cast, status: str | None = None, body=None):
    """A funded project (the water tank of :func:`project_in`, 2,000) of a counted budget, its
    execution in ``status`` (not started by default), the health committee responsible, with
    one milestone due in ten days."""
    from comuna.cycles.models import ExecutionStatus, Milestone

    project = project_in(cast, CyclePhase.EXECUTION, body, status=ProjectStatus.FEASIBLE)
    budget = Budget.objects.create(
        body=project.cycle.body,
        cycle=project.cycle,
        title="Presupuesto participativo",
        amount=Decimal("5000"),
        currency=project.cycle.body.currency,
        status=BudgetStatus.COUNTED,
    )
    district = BudgetDistrict.objects.create(budget=budget, name="Todo", amount=budget.amount)
    BudgetProject.objects.create(district=district, project=project, key="1")
    execution = Execution.objects.create(
        project=project,
        budget=budget,
        allocation=project.cost,
        currency=budget.currency,
        committee=project.committee,
        status=status or ExecutionStatus.NOT_STARTED,
        status_reason="" if status not in ("paused", "abandoned") else "Falta material",
    )
    Milestone.objects.create(
        execution=execution,
        title="Compra del tanque",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    return execution


OBJECTS = {
    Cycle: cycle_in,
    Need: need_in,
    Project: project_in,
    Budget: budget_in,
    Execution: execution_in,
}
