"""The cycle's permissions: cycles, needs and projects by the cycle's phase (planned, diagnosis,
prioritisation, planning, review, budget, execution, closed), budgets by their status (draft,
open, counted), and the body-wide actions (opening a cycle, importing a Pabulib file).

The coordination collective (the executive unit's spokespersons among them) opens and edits a
cycle and reviews projects' feasibility; residents report and support needs, propose, revise
and withdraw projects (their own: the service's check) and vote in the budget; the electoral
commission runs the prioritisation vote and the budget vote and puts a deviation from the
computed outcome to the assembly; the administrator imports Pabulib files. Needs, projects and
budgets are read on public pages when the statute's ``cycle_public`` says so, and by members
only otherwise (``comuna.cycles.visibility``).
"""

from __future__ import annotations

import enum

from comuna.cycles.models import Budget, BudgetStatus, Cycle, CyclePhase, Need, Project
from comuna.territory.permissions import Role, Subject, register_rules


class CycleAction(enum.StrEnum):
    OPEN = "cycles.open"  # body-wide: open a new cycle
    EDIT = "cycles.edit"  # its calendar, until the budget vote ends
    REPORT_NEED = "cycles.report_need"
    SUPPORT_NEED = "cycles.support_need"
    WITHDRAW_NEED = "cycles.withdraw_need"  # the reporter's own
    PRIORITISE = "cycles.prioritise"  # open the assembly's prioritisation vote, record its order
    PROPOSE_PROJECT = "cycles.propose_project"
    REVISE_PROJECT = "cycles.revise_project"  # the proposer's own: revise and resubmit
    WITHDRAW_PROJECT = "cycles.withdraw_project"  # the proposer's own
    REVIEW_PROJECT = "cycles.review_project"
    CREATE_BUDGET = "cycles.create_budget"
    IMPORT_PB = "cycles.import_pb"  # body-wide: a Pabulib file as a budget


class BudgetAction(enum.StrEnum):
    EDIT = "cycles.edit_budget"
    OPEN = "cycles.open_budget"
    VOTE = "cycles.vote_budget"
    COUNT = "cycles.count_budget"  # close the vote and count it
    PROPOSE_DEVIATION = "cycles.propose_deviation"  # put a change to the outcome to the assembly


RESIDENTS = frozenset({Role.RESIDENT})
ELECTORAL = frozenset({Role.ELECTORAL})
COORDINATION = frozenset({Role.COORDINATION})
STEERING = frozenset({Role.COORDINATION, Role.ADMINISTRATOR})
BEFORE_EXECUTION = (
    CyclePhase.PLANNED,
    CyclePhase.DIAGNOSIS,
    CyclePhase.PRIORITISATION,
    CyclePhase.PLANNING,
    CyclePhase.REVIEW,
    CyclePhase.BUDGET,
)
PLANNING_AND_REVIEW = (CyclePhase.PLANNING, CyclePhase.REVIEW)

TABLE = {
    # body-wide
    (CycleAction.OPEN, None): STEERING,
    (CycleAction.IMPORT_PB, None): frozenset({Role.ADMINISTRATOR}),
    # a cycle, by its phase
    **{(CycleAction.EDIT, phase): STEERING for phase in BEFORE_EXECUTION},
    (CycleAction.REPORT_NEED, CyclePhase.DIAGNOSIS): RESIDENTS,
    (CycleAction.SUPPORT_NEED, CyclePhase.DIAGNOSIS): RESIDENTS,
    (CycleAction.WITHDRAW_NEED, CyclePhase.DIAGNOSIS): RESIDENTS,
    (CycleAction.PRIORITISE, CyclePhase.PRIORITISATION): ELECTORAL,
    (CycleAction.PROPOSE_PROJECT, CyclePhase.PLANNING): RESIDENTS,
    **{(CycleAction.REVISE_PROJECT, phase): RESIDENTS for phase in PLANNING_AND_REVIEW},
    **{(CycleAction.WITHDRAW_PROJECT, phase): RESIDENTS for phase in PLANNING_AND_REVIEW},
    **{(CycleAction.REVIEW_PROJECT, phase): COORDINATION for phase in PLANNING_AND_REVIEW},
    (CycleAction.CREATE_BUDGET, CyclePhase.REVIEW): ELECTORAL,
    (CycleAction.CREATE_BUDGET, CyclePhase.BUDGET): ELECTORAL,
    # a budget, by its status
    (BudgetAction.EDIT, BudgetStatus.DRAFT): ELECTORAL,
    (BudgetAction.OPEN, BudgetStatus.DRAFT): ELECTORAL,
    (BudgetAction.VOTE, BudgetStatus.OPEN): RESIDENTS,
    (BudgetAction.COUNT, BudgetStatus.OPEN): ELECTORAL,
    (BudgetAction.PROPOSE_DEVIATION, BudgetStatus.COUNTED): ELECTORAL,
}


def _cycle_phase_label(cycle: Cycle) -> str:
    return cycle.get_phase_display()


CYCLE = Subject(
    Cycle,
    body=lambda cycle: cycle.body,
    phase=lambda cycle: cycle.phase(),
    phases=tuple(CyclePhase.values),
    phase_label=_cycle_phase_label,
)
# a need and a project act in their cycle's phase
NEED = Subject(
    Need,
    body=lambda need: need.cycle.body,
    phase=lambda need: need.cycle.phase(),
    phases=tuple(CyclePhase.values),
    phase_label=lambda need: _cycle_phase_label(need.cycle),
)
PROJECT = Subject(
    Project,
    body=lambda project: project.cycle.body,
    phase=lambda project: project.cycle.phase(),
    phases=tuple(CyclePhase.values),
    phase_label=lambda project: _cycle_phase_label(project.cycle),
)
BUDGET = Subject(
    Budget,
    body=lambda budget: budget.body,
    phase=lambda budget: budget.status,
    phases=tuple(BudgetStatus.values),
    phase_label=lambda budget: budget.get_status_display(),
)


def register() -> None:
    register_rules("cycles", TABLE, [CYCLE, NEED, PROJECT, BUDGET])
