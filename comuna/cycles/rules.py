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

from comuna.cycles.models import (
    Budget,
    BudgetStatus,
    Complaint,
    ComplaintStatus,
    Cycle,
    CyclePhase,
    Execution,
    ExecutionStatus,
    Finding,
    FindingStatus,
    Need,
    Project,
)
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
    OPEN_EXECUTION = "cycles.open_execution"  # give each funded project its allocation


class ExecutionAction(enum.StrEnum):
    """Issue 14: carrying out a funded project, by the execution's status."""

    PLAN = "cycles.plan_execution"  # milestones, progress updates, committee
    SET_STATUS = "cycles.set_execution_status"
    RECORD_EXPENSE = "cycles.record_expense"
    REVERSE_EXPENSE = "cycles.reverse_expense"
    AUTHORISE_SPENDING = "cycles.authorise_spending"  # put spending beyond it to the assembly
    RECORD_LESSON = "cycles.record_lesson"  # once the project is done or abandoned


class ComptrollerAction(enum.StrEnum):
    """Issue 14: money received, social comptrollership (body-wide, or by the finding's or
    the complaint's status)."""

    RECORD_FUNDS = "cycles.record_funds"  # body-wide: money the body received
    INSPECT = "cycles.inspect"  # body-wide: open an inspection, file a finding
    SEE_ALL = "cycles.see_all"  # body-wide: every finding, complaint and complainant
    FILE_COMPLAINT = "cycles.file_complaint"  # body-wide
    ANSWER_FINDING = "cycles.answer_finding"  # a member of the organ it names (the service)
    CLOSE_FINDING = "cycles.close_finding"
    RECALL_ON_FINDING = "cycles.recall_on_finding"  # start a recall on what a finding shows
    ANSWER_COMPLAINT = "cycles.answer_complaint"


RESIDENTS = frozenset({Role.RESIDENT})
ELECTORAL = frozenset({Role.ELECTORAL})
COORDINATION = frozenset({Role.COORDINATION})
STEERING = frozenset({Role.COORDINATION, Role.ADMINISTRATOR})
FINANCIAL = frozenset({Role.FINANCIAL})
COMPTROLLER = frozenset({Role.COMPTROLLER})
# a project's team: its committee's spokespersons (the service checks which organ) and the
# coordination collective
TEAM = frozenset({Role.SPOKESPERSON, Role.COORDINATION})
UNDER_WAY = (ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS, ExecutionStatus.PAUSED)
ENDED = (ExecutionStatus.DONE, ExecutionStatus.ABANDONED)
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
    (BudgetAction.OPEN_EXECUTION, BudgetStatus.COUNTED): frozenset(
        {Role.COORDINATION, Role.FINANCIAL}
    ),
    # an execution, by its status
    **{(ExecutionAction.PLAN, status): TEAM for status in UNDER_WAY},
    **{(ExecutionAction.SET_STATUS, status): TEAM for status in UNDER_WAY},
    # a done project's late invoices are still recorded; an abandoned one spends no more
    **{(ExecutionAction.RECORD_EXPENSE, status): FINANCIAL for status in UNDER_WAY},
    (ExecutionAction.RECORD_EXPENSE, ExecutionStatus.DONE): FINANCIAL,
    **{(ExecutionAction.REVERSE_EXPENSE, status): FINANCIAL for status in ExecutionStatus.values},
    **{
        (ExecutionAction.AUTHORISE_SPENDING, status): frozenset({Role.FINANCIAL, Role.COORDINATION})
        for status in UNDER_WAY
    },
    **{(ExecutionAction.RECORD_LESSON, status): TEAM for status in ENDED},
    # social comptrollership
    (ComptrollerAction.RECORD_FUNDS, None): FINANCIAL,
    (ComptrollerAction.INSPECT, None): COMPTROLLER,
    (ComptrollerAction.SEE_ALL, None): COMPTROLLER,
    (ComptrollerAction.FILE_COMPLAINT, None): RESIDENTS,
    (ComptrollerAction.ANSWER_FINDING, FindingStatus.OPEN): frozenset({Role.SPOKESPERSON}),
    (ComptrollerAction.CLOSE_FINDING, FindingStatus.OPEN): COMPTROLLER,
    (ComptrollerAction.CLOSE_FINDING, FindingStatus.ANSWERED): COMPTROLLER,
    (ComptrollerAction.RECALL_ON_FINDING, FindingStatus.OPEN): COMPTROLLER,
    (ComptrollerAction.RECALL_ON_FINDING, FindingStatus.ANSWERED): COMPTROLLER,
    (ComptrollerAction.ANSWER_COMPLAINT, ComplaintStatus.OPEN): COMPTROLLER,
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


EXECUTION = Subject(
    Execution,
    body=lambda execution: execution.budget.body,
    phase=lambda execution: execution.status,
    phases=tuple(ExecutionStatus.values),
    phase_label=lambda execution: execution.get_status_display(),
)
FINDING = Subject(
    Finding,
    body=lambda finding: finding.inspection.body,
    phase=lambda finding: finding.status,
    phases=tuple(FindingStatus.values),
    phase_label=lambda finding: finding.get_status_display(),
)
COMPLAINT = Subject(
    Complaint,
    body=lambda complaint: complaint.body,
    phase=lambda complaint: complaint.status,
    phases=tuple(ComplaintStatus.values),
    phase_label=lambda complaint: complaint.get_status_display(),
)


def register() -> None:
    register_rules("cycles", TABLE, [CYCLE, NEED, PROJECT, BUDGET, EXECUTION, FINDING, COMPLAINT])
