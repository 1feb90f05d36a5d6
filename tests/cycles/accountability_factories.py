"""A cycle of council A with money to account for, made through the execution and expense
services: the budget of 5,000 counted with one ballot funding Tanque (3,000) and Cancha
(2,000); 6,000 received for the cycle and 250 for the body as a whole.

- Tanque: 1,000 spent with a supplier named like a formula, 500 spent then reversed; one
  milestone done on time, one overdue.
- Cancha: 2,000 spent, then 300 more once an assembly carried an authorisation of 500 beyond
  its allocation; one milestone done late, one pending.

So: allocated 5,000, authorised 500, spent 3,300 (1,000 + 500 − 500 + 2,000 + 300), left 2,200.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comuna.assemblies import decisions
from comuna.assemblies.models import Attendance, Status
from comuna.cycles import budgets, expenses
from comuna.cycles import execution as executions
from comuna.cycles.models import Budget, BudgetStatus, Execution, Expense, SpendingAuthorisation
from comuna.voting import services as voting
from tests.assemblies.factories import assembly_in
from tests.conftest import COUNCIL_A_VOTERS, SETUP
from tests.cycles.factories import budget_in

FORMULA_SUPPLIER = '=HYPERLINK("http://example.com/x","Ferretería")'


def pdf(text: str) -> SimpleUploadedFile:
    """A small receipt, a PDF by its content; ``text`` makes each one's hash its own."""
    body = f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile("recibo.pdf", body, content_type="application/pdf")


@dataclass
class Funded:
    budget: Budget
    tanque: Execution
    cancha: Execution
    first: Expense  # Tanque's expense from the formula-named supplier
    reversed: Expense  # Tanque's 500, reversed
    reversal: Expense
    authorisation: SpendingAuthorisation

    @property
    def cycle(self):
        return self.budget.cycle


def spend(execution, amount, supplier="Ferretería El Tornillo", tax_id="J-12345678-9", **extra):
    return expenses.record(
        execution,
        amount=Decimal(amount),
        currency=execution.currency,
        spent_on=extra.pop("spent_on", timezone.localdate() - timedelta(days=3)),
        supplier=supplier,
        supplier_tax_id=tax_id,
        description=extra.pop("description", "Materiales"),
        receipt=pdf(f"{supplier} {amount} {execution.pk} {Expense.objects.count()}"),
        by=SETUP,
        **extra,
    )


def carry_authorisation(cast, execution, amount) -> SpendingAuthorisation:
    """The assembly, in session, carries spending ``amount`` beyond the allocation."""
    assembly = assembly_in(cast, Status.IN_SESSION, items=0)
    authorisation = expenses.propose_authorisation(
        execution,
        amount=Decimal(amount),
        reason="El precio del cemento subió.",
        assembly=assembly,
        by=SETUP,
    )
    motion = decisions.propose_motion(
        authorisation.item, text="Autorizar el gasto", by=cast.electoral.user
    )
    for registered in assembly.registered.select_related("resident")[:COUNCIL_A_VOTERS]:
        Attendance.objects.get_or_create(assembly=assembly, resident=registered.resident)
    decisions.decide_by_hands(
        motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
    )
    authorisation.refresh_from_db()
    return authorisation


def funded_cycle(cast) -> Funded:
    budget = budget_in(cast, BudgetStatus.OPEN)
    voting.cast(budget.districts.get().poll, cast.resident.user, ["1", "2"])
    budgets.count(budget, by=SETUP)
    opened = {e.project.title: e for e in executions.open_for(budget, by=SETUP)}
    tanque, cancha = opened["Tanque"], opened["Cancha"]
    today = timezone.localdate()
    for execution in (tanque, cancha):
        executions.set_status(execution, status="in_progress", by=SETUP)

    executions.record_funds(
        cast.council,
        amount=Decimal("6000"),
        currency=cast.council.currency,
        received_on=today - timedelta(days=20),
        source="Fondo de Compensación Interterritorial",
        reference="T-001",
        cycle=budget.cycle,
        by=SETUP,
    )
    executions.record_funds(
        cast.council,
        amount=Decimal("250"),
        currency=cast.council.currency,
        received_on=today - timedelta(days=10),
        source="Rifa comunitaria",
        by=SETUP,
    )

    first = spend(tanque, "1000", supplier=FORMULA_SUPPLIER, tax_id="+58-J-1")
    wrong = spend(tanque, "500", description="-Cemento (error de digitación)")
    reversal = expenses.reverse(wrong, reason="Se cargó dos veces.", by=SETUP)
    done = executions.add_milestone(
        tanque, title="Base de concreto", due_on=today - timedelta(days=9), by=SETUP
    )
    executions.complete_milestone(done, done_on=today - timedelta(days=10), by=SETUP)
    executions.add_milestone(
        tanque, title="Tanque instalado", due_on=today - timedelta(days=2), by=SETUP
    )

    spend(cancha, "2000", supplier="@Deportes C.A.")
    authorisation = carry_authorisation(cast, cancha, "500")
    spend(cancha, "300", supplier="Deportes C.A.")
    late = executions.add_milestone(
        cancha, title="Piso nivelado", due_on=today - timedelta(days=8), by=SETUP
    )
    executions.complete_milestone(late, done_on=today - timedelta(days=4), by=SETUP)
    executions.add_milestone(
        cancha, title="Arcos y mallas", due_on=today + timedelta(days=20), by=SETUP
    )
    tanque.refresh_from_db()
    cancha.refresh_from_db()
    return Funded(budget, tanque, cancha, first, wrong, reversal, authorisation)
