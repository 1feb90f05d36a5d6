"""A project carried out to its end (done or abandoned), ready for its lesson: a budget of the
body counted through the cycle's services with one ballot funding it, its execution opened and
its status set by the execution's services (``open_for``, ``set_status``)."""

from __future__ import annotations

from comuna.cycles import budgets, lessons
from comuna.cycles import execution as executions
from comuna.cycles.models import BudgetStatus, ExecutionStatus
from comuna.voting import services as voting
from tests.conftest import SETUP
from tests.cycles.factories import budget_in

WATER = {
    "title": "Tubería de la calle 3",
    "description": "Cambiar 200 metros de tubería rota por tubos nuevos.",
    "category": "water",
    "place": "Calle 3",
}


def execution_in(cast, status=ExecutionStatus.DONE, body=None, **project):
    """The execution of a funded project of ``body`` (council A by default, the health
    committee responsible there) in ``status``; ``project`` overrides the project's title,
    description, category, place and cost."""
    budget = budget_in(cast, BudgetStatus.OPEN, body=body)
    body = budget.body
    funded = budget.cycle.projects.order_by("pk").first()  # costs 3,000 of the 5,000
    for name, value in project.items():
        setattr(funded, name, value)
    funded.committee = cast.health if body == cast.council else None
    funded.save()
    district = budget.districts.get()
    voter = cast.resident.user if body == cast.council else body.residents.first().user
    voting.cast(district.poll, voter, ["1"])
    budgets.count(budget, by=SETUP)
    [execution] = [e for e in executions.open_for(budget, by=SETUP) if e.project_id == funded.pk]
    if status != ExecutionStatus.NOT_STARTED:
        execution = executions.set_status(execution, status=ExecutionStatus.IN_PROGRESS, by=SETUP)
    if status not in (ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS):
        reason = "" if status == ExecutionStatus.DONE else "El proveedor no entregó."
        execution = executions.set_status(execution, status=status, reason=reason, by=SETUP)
    return execution


def lesson_in(cast, body=None, status=ExecutionStatus.DONE, project=None, **fields):
    """A lesson recorded through the service for a project of ``body`` ended in ``status``."""
    execution = execution_in(cast, status, body, **(project or WATER))
    texts = {
        "what_happened": "Se terminó en tres semanas.",
        "what_worked": "Comprar los materiales al por mayor.",
        "what_did_not": "La primera excavación se hizo sin permiso.",
        "cost_note": "Costó menos de lo estimado.",
        "advice": "Pedir el permiso de excavación antes de empezar.",
        **fields,
    }
    return lessons.record(execution, by=SETUP, **texts)
