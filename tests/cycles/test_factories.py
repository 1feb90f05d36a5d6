"""The shared factories put a cycle in every phase and a budget in every status."""

import pytest

from comuna.cycles.models import BudgetStatus, CyclePhase
from tests.cycles.factories import budget_in, cycle_in, project_in


@pytest.mark.parametrize("phase", CyclePhase.values)
def test_a_cycle_can_be_made_in_every_phase(cast, phase):
    assert cycle_in(cast, phase).phase() == phase


@pytest.mark.parametrize("status", BudgetStatus.values)
def test_a_budget_can_be_made_in_every_status(cast, status):
    budget = budget_in(cast, status)
    poll = budget.districts.get().poll
    assert [o.key for o in poll.options.all()] == ["1", "2", "3"]
    assert poll.status == {"draft": "draft", "open": "open", "counted": "closed"}[status]


def test_a_project_costs_the_sum_of_its_items(cast):
    project = project_in(cast)
    assert sum(i.quantity * i.unit_cost for i in project.items.all()) == project.cost
