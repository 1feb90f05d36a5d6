"""Accountability, as data: the money a body received, allocated to its funded projects and
spent on them, and how far each project has come (its status and milestones); per cycle and for
the body across its cycles. Also the downloads that let anyone check it: every expense as CSV
and every receipt's SHA-256 as a ``sha256sum`` list.

The arithmetic, per project (the same as ``comuna.cycles.execution.totals``):

- *allocation*: what the counted budget gave the project (``Execution.allocation``);
- *authorised*: what assembly decisions allowed beyond it (carried ``SpendingAuthorisation``
  amounts), shown apart from the allocation; the *ceiling* is their sum;
- *spent*: the sum of the project's expenses, each reversal counted as its (negative) amount;
- *left*: the ceiling less what was spent; *over*: what was spent beyond the allocation.

Every figure is a ``Decimal``. Amounts in different currencies are never added: totals come
one per currency (the body's own first). Nothing here writes; pages and downloads only read.
"""

from __future__ import annotations

import csv
import io
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from comuna.cycles.models import (
    AuthorisationStatus,
    Budget,
    BudgetStatus,
    Cycle,
    Execution,
    Expense,
    FundsReceived,
    Milestone,
    SpendingAuthorisation,
)
from comuna.cycles.rules import UNDER_WAY
from comuna.ledger.hashing import utc_text
from comuna.territory.models import Body

ZERO = Decimal("0.00")

# --- per project ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneLine:
    milestone: Milestone
    title: str
    due_on: date
    done_on: date | None
    overdue: bool  # not done, and its day has passed
    late: bool  # done after its day

    @property
    def state(self) -> str:
        """``done``, ``late`` (done after its day), ``overdue`` or ``pending``."""
        if self.done_on is not None:
            return "late" if self.late else "done"
        return "overdue" if self.overdue else "pending"


@dataclass
class ProjectAccount:
    execution: Execution
    currency: str
    allocation: Decimal
    authorised: Decimal  # carried authorisations beyond the allocation
    spent: Decimal  # reversals included, as their negative amounts
    expenses: int  # expense rows, reversals included
    reversals: int
    milestones: list[MilestoneLine] = field(default_factory=list)

    @property
    def project(self):
        return self.execution.project

    @property
    def ceiling(self) -> Decimal:
        return self.allocation + self.authorised

    @property
    def left(self) -> Decimal:
        return self.ceiling - self.spent

    @property
    def over(self) -> Decimal:
        """What was spent beyond the allocation (authorised or not), or zero."""
        return max(self.spent - self.allocation, ZERO)

    @property
    def status(self) -> str:
        return self.execution.status

    @property
    def done(self) -> int:
        return sum(1 for m in self.milestones if m.done_on is not None)

    @property
    def overdue(self) -> int:
        return sum(1 for m in self.milestones if m.overdue)


@dataclass
class Totals:
    """One currency's figures: received, allocated (and authorised beyond), spent, left."""

    currency: str
    received: Decimal = ZERO
    allocation: Decimal = ZERO
    authorised: Decimal = ZERO
    spent: Decimal = ZERO
    projects: int = 0

    @property
    def ceiling(self) -> Decimal:
        return self.allocation + self.authorised

    @property
    def left(self) -> Decimal:
        """What the allocations (and authorisations) leave to spend."""
        return self.ceiling - self.spent

    @property
    def balance(self) -> Decimal:
        """Money received less money spent: what the body should hold."""
        return self.received - self.spent


@dataclass
class CycleAccount:
    cycle: Cycle
    projects: list[ProjectAccount]
    funds: list[FundsReceived]  # received for this cycle
    budgets: list[Budget]  # its counted budgets (their votes are downloadable as .pb)
    totals: list[Totals]  # one per currency, the body's first

    @property
    def currencies(self) -> list[str]:
        return [t.currency for t in self.totals]

    def projects_in(self, currency: str) -> list[ProjectAccount]:
        return [p for p in self.projects if p.currency == currency]


@dataclass
class BodyAccount:
    body: Body
    cycles: list[CycleAccount]
    funds: list[FundsReceived]  # every receipt of money, a cycle's or not
    unassigned: list[FundsReceived]  # received for no cycle in particular
    budgets: list[Budget]  # every counted budget, imported ones too
    totals: list[Totals]


# --- computing ------------------------------------------------------------------------------


def _milestone_lines(execution: Execution, today: date) -> list[MilestoneLine]:
    return [
        MilestoneLine(
            milestone=m,
            title=m.title,
            due_on=m.due_on,
            done_on=m.done_on,
            overdue=m.done_on is None and m.due_on < today and _running(execution),
            late=m.done_on is not None and m.done_on > m.due_on,
        )
        for m in execution.milestones.all()  # prefetched, in the model's order
    ]


def _running(execution: Execution) -> bool:
    """A done or abandoned project's open milestones are not overdue: they will never be
    done (``comuna.cycles.execution.milestone_overdue``)."""
    return execution.status in UNDER_WAY


def projects(executions, today: date | None = None) -> list[ProjectAccount]:
    """The figures of each execution of the queryset ``executions``, in a few queries."""
    today = today or timezone.localdate()
    found = list(
        executions.select_related("project", "project__cycle", "budget", "committee")
        .prefetch_related("milestones")
        .order_by("project__cycle__starts_on", "project__cycle_id", "budget_id", "project_id")
    )
    # summed here, in Decimal, rather than by the database: SQLite adds decimals as floats
    chosen = executions.values("pk")
    authorised: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for execution_id, amount in SpendingAuthorisation.objects.filter(
        execution__in=chosen, status=AuthorisationStatus.CARRIED
    ).values_list("execution_id", "amount"):
        authorised[execution_id] += amount
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for execution_id, amount, reverses_id in Expense.objects.filter(
        execution__in=chosen
    ).values_list("execution_id", "amount", "reverses_id"):
        spent[execution_id] += amount
        counts[execution_id][0] += 1
        counts[execution_id][1] += reverses_id is not None
    return [
        ProjectAccount(
            execution=e,
            currency=e.currency,
            allocation=e.allocation,
            authorised=authorised[e.pk],
            spent=spent[e.pk],
            expenses=counts[e.pk][0],
            reversals=counts[e.pk][1],
            milestones=_milestone_lines(e, today),
        )
        for e in found
    ]


def _totals(body: Body, accounts: list[ProjectAccount], funds: list[FundsReceived]) -> list[Totals]:
    by_currency: dict[str, Totals] = {}

    def of(currency: str) -> Totals:
        return by_currency.setdefault(currency, Totals(currency))

    for f in funds:
        of(f.currency).received += f.amount
    for a in accounts:
        t = of(a.currency)
        t.allocation += a.allocation
        t.authorised += a.authorised
        t.spent += a.spent
        t.projects += 1
    return sorted(by_currency.values(), key=lambda t: (t.currency != body.currency, t.currency))


def _counted_budgets(body: Body, cycle: Cycle | None = None) -> list[Budget]:
    found = Budget.objects.filter(body=body, status=BudgetStatus.COUNTED)
    if cycle is not None:
        found = found.filter(cycle=cycle)
    return list(found.prefetch_related("districts").order_by("pk"))


def for_cycle(cycle: Cycle, today: date | None = None) -> CycleAccount:
    accounts = projects(Execution.objects.filter(project__cycle=cycle), today)
    funds = list(FundsReceived.objects.filter(cycle=cycle).order_by("received_on", "pk"))
    return CycleAccount(
        cycle=cycle,
        projects=accounts,
        funds=funds,
        budgets=_counted_budgets(cycle.body, cycle),
        totals=_totals(cycle.body, accounts, funds),
    )


def for_body(body: Body, today: date | None = None) -> BodyAccount:
    """Every cycle of the body (the latest first), each with its projects' figures, and the
    body's totals across them (money received for no cycle included)."""
    accounts = projects(Execution.objects.filter(budget__body=body), today)
    funds = list(FundsReceived.objects.filter(body=body).order_by("received_on", "pk"))
    budgets = _counted_budgets(body)
    cycles = []
    for cycle in Cycle.objects.filter(body=body):  # the latest first
        own = [a for a in accounts if a.project.cycle_id == cycle.pk]
        own_funds = [f for f in funds if f.cycle_id == cycle.pk]
        cycles.append(
            CycleAccount(
                cycle=cycle,
                projects=own,
                funds=own_funds,
                budgets=[b for b in budgets if b.cycle_id == cycle.pk],
                totals=_totals(body, own, own_funds),
            )
        )
    return BodyAccount(
        body=body,
        cycles=cycles,
        funds=funds,
        unassigned=[f for f in funds if f.cycle_id is None],
        budgets=budgets,
        totals=_totals(body, accounts, funds),
    )


# --- downloads ------------------------------------------------------------------------------

EXPENSE_COLUMNS = [
    "id",
    "date",
    "cycle",
    "project_id",
    "project",
    "supplier",
    "supplier_tax_id",
    "description",
    "budget_item",
    "amount",
    "currency",
    "receipt_sha256",
    "reverses",
    "reason",
    "recorded_at",
]
# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what
# some strip before looking for one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Free text as a spreadsheet cell that opens as text: a leading ``'`` before anything
    that would start a formula (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def expenses(body: Body, cycle: Cycle | None = None):
    """Every expense of the body (or of one cycle), reversals included, in the order they
    were spent."""
    found = Expense.objects.filter(execution__budget__body=body)
    if cycle is not None:
        found = found.filter(execution__project__cycle=cycle)
    return found.select_related("execution__project__cycle", "item").order_by(
        "spent_on", "recorded_at", "pk"
    )


def expense_rows(body: Body, cycle: Cycle | None = None) -> list[list[str]]:
    """The expenses as CSV rows under :data:`EXPENSE_COLUMNS`.

    Only free text (titles, supplier, tax id, description, item, reason) can come from a
    person, so only free text is escaped with :func:`safe_cell`. Amounts, dates, ids and hashes
    are written by us as plain values (a reversal's amount is ``-150.00``): a spreadsheet reads
    a plain number as a number, never as a formula, so amounts stay numeric and add up."""
    rows = []
    for e in expenses(body, cycle):
        project = e.execution.project
        rows.append(
            [
                str(e.pk),
                e.spent_on.isoformat(),
                str(project.cycle_id),
                str(project.pk),
                safe_cell(project.title),
                safe_cell(e.supplier),
                safe_cell(e.supplier_tax_id),
                safe_cell(e.description),
                safe_cell(e.item.description) if e.item else "",
                f"{e.amount:.2f}",
                e.currency,
                e.receipt_sha256,
                str(e.reverses_id) if e.reverses_id else "",
                safe_cell(e.reason),
                utc_text(e.recorded_at),
            ]
        )
    return rows


def expenses_csv(body: Body, cycle: Cycle | None = None) -> str:
    """The expenses as a CSV file, starting with a byte-order mark so that a spreadsheet opens
    it as UTF-8 (accents intact)."""
    out = io.StringIO()
    out.write("\ufeff")
    # every cell quoted: a spreadsheet splitting on ";" (Spanish Excel) sees no bare formula
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(EXPENSE_COLUMNS)
    writer.writerows(expense_rows(body, cycle))
    return out.getvalue()


def receipt_name(expense: Expense) -> str:
    """The receipt's file name: the name it is stored under (unique, never reused)."""
    return posixpath.basename(expense.receipt.name)


def receipts_sha256(body: Body, cycle: Cycle | None = None) -> str:
    """A ``sha256sum`` list of every receipt (``<hash>  <file name>``), after comment lines
    naming the body, the cycle and the moment; ``sha256sum -c`` checks downloaded receipts
    against it (it skips the comment lines)."""
    lines = [
        f"# {_one_line(body.name)} ({body.slug})",
        *([f"# {_one_line(cycle.title)} (cycle {cycle.pk})"] if cycle is not None else []),
        f"# {utc_text(timezone.now())}",
        "# SHA-256 of each receipt as recorded in the ledger; check with: sha256sum -c FILE",
    ]
    for e in expenses(body, cycle).exclude(receipt=""):
        if e.receipt_sha256:
            lines.append(f"{e.receipt_sha256}  {receipt_name(e)}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def figures_of(account: ProjectAccount) -> dict[str, Any]:
    """The project's figures by name, as ``execution.totals`` gives them."""
    return {
        "allocation": account.allocation,
        "authorised": account.authorised,
        "ceiling": account.ceiling,
        "spent": account.spent,
        "left": account.left,
    }
