"""Execution and expenses (issue 14): each funded project gets its execution; milestones,
status and progress by the project's team; expenses by the administrative-financial unit, each
with its receipt, refused (nothing stored) when negative, in another currency, with a receipt
too large or not a PDF or picture, or beyond the allocation without the assembly's decision;
never edited, only reversed; and `ledger verify` catching an amount edited through SQL or a
receipt swapped on disk."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from comuna.assemblies import decisions
from comuna.assemblies.models import Attendance, Status
from comuna.cycles import execution, expenses
from comuna.cycles.errors import CycleError
from comuna.cycles.files import MAX_DOCUMENT_BYTES
from comuna.cycles.models import (
    AuthorisationStatus,
    Execution,
    ExecutionStatus,
    Expense,
    FundsReceived,
    Milestone,
)
from comuna.ledger import entries, verify
from tests.assemblies.factories import assembly_in
from tests.conftest import COUNCIL_A_VOTERS

pytestmark = pytest.mark.django_db

from tests.cycles.execution_fixtures import PDF, pdf, png, spend  # noqa: E402


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _stored():
    return (Expense.objects.count(), len(entries_of("expense.recorded")))


def entries_of(kind):
    return [e for chain in _chains() for e in entries(chain).filter(kind=kind)]


def _chains():
    from comuna.ledger.models import Entry

    return sorted(set(Entry.objects.values_list("chain", flat=True)))


# --- opening ---------------------------------------------------------------------------------


def test_each_funded_project_gets_its_allocation_once(cast, funded):
    assert sorted(funded) == ["Biblioteca", "Tanque"]
    tank = funded["Tanque"]
    assert (tank.allocation, tank.committee, tank.status) == (
        Decimal("3000.00"),
        cast.health,
        ExecutionStatus.NOT_STARTED,
    )
    assert execution.open_for(tank.budget, by=cast.financial.user) == []
    assert Execution.objects.count() == 2
    assert len(entries_of("execution.opened")) == 2


def test_only_the_coordination_or_the_financial_unit_opens_the_execution(cast, funded):
    budget = funded["Tanque"].budget
    with pytest.raises(CycleError):
        execution.open_for(budget, by=cast.resident.user)


# --- milestones, status, progress ------------------------------------------------------------


def test_the_team_adds_and_completes_milestones(cast, funded):
    tank = funded["Tanque"]
    due = timezone.localdate() + timedelta(days=30)
    made = execution.add_milestone(tank, title="Compra", due_on=due, by=cast.spokesperson.user)
    execution.complete_milestone(made, by=cast.spokesperson.user)
    made.refresh_from_db()
    assert made.done_on == timezone.localdate()
    with pytest.raises(CycleError):
        execution.complete_milestone(made, by=cast.spokesperson.user)


def test_someone_outside_the_team_changes_nothing(cast, funded):
    tank = funded["Tanque"]
    for user in (cast.resident.user, cast.electoral.user):
        with pytest.raises(CycleError):
            execution.add_milestone(tank, title="X", due_on="2027-01-01", by=user)
    assert not Milestone.objects.exists()


def test_a_bad_date_or_an_empty_title_is_refused(cast, funded):
    tank = funded["Tanque"]
    with pytest.raises(CycleError) as bad:
        execution.add_milestone(tank, title="Compra", due_on="31/12/2027", by=cast.financial.user)
    assert bad.value.field == "due_on"
    with pytest.raises(CycleError) as empty:
        execution.add_milestone(tank, title="  ", due_on="2027-12-31", by=cast.financial.user)
    assert empty.value.field == "title"
    assert not Milestone.objects.exists()


def test_paused_and_abandoned_need_a_reason_and_abandoned_is_final(cast, funded):
    tank = funded["Tanque"]
    with pytest.raises(CycleError) as refused:
        execution.set_status(tank, status=ExecutionStatus.PAUSED, by=cast.spokesperson.user)
    assert refused.value.field == "reason"
    execution.set_status(
        tank,
        status=ExecutionStatus.ABANDONED,
        reason="El terreno no es apto.",
        by=cast.spokesperson.user,
    )
    tank.refresh_from_db()
    assert (tank.status, tank.status_reason) == (
        ExecutionStatus.ABANDONED,
        "El terreno no es apto.",
    )
    with pytest.raises(CycleError):
        execution.set_status(tank, status=ExecutionStatus.IN_PROGRESS, by=cast.spokesperson.user)
    with pytest.raises(CycleError):
        spend(cast, tank)


def test_a_progress_photo_must_be_a_picture(cast, funded):
    tank = funded["Tanque"]
    with pytest.raises(CycleError) as refused:
        execution.post_update(
            tank, text="Llegó el tanque", photo=pdf("foto.jpg"), by=cast.spokesperson.user
        )
    assert refused.value.field == "photo"
    update = execution.post_update(
        tank, text="Llegó el tanque", photo=png("foto.png"), by=cast.spokesperson.user
    )
    assert len(update.photo_sha256) == 64


# --- expenses --------------------------------------------------------------------------------


def test_an_expense_is_kept_with_its_receipts_hash_in_the_ledger(cast, funded):
    tank = funded["Tanque"]
    expense = spend(cast, tank, "1250.50")
    (entry,) = entries_of("expense.recorded")
    import hashlib

    assert entry.data["receipt_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert entry.data["amount"] == "1250.50"
    assert expense.receipt_type == "pdf"
    figures = execution.totals(tank)
    assert (figures.spent, figures.left) == (Decimal("1250.50"), Decimal("1749.50"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-10"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"amount": "diez"}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"spent_on": "mañana"}, "spent_on"),
        ({"supplier": ""}, "supplier"),
        ({"supplier_tax_id": " "}, "supplier_tax_id"),
        ({"description": ""}, "description"),
        ({"item": 999999}, "item"),
        ({"receipt": None}, "receipt"),
        ({"receipt": SimpleUploadedFile("f.pdf", b"MZ\x90\x00 not a pdf")}, "receipt"),
        ({"receipt": SimpleUploadedFile("f.png", b"<html>hola</html>")}, "receipt"),
        (
            {"receipt": SimpleUploadedFile("f.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES)},
            "receipt",
        ),
    ],
    ids=lambda v: str(v)[:40],
)
def test_a_bad_expense_is_refused_and_nothing_is_stored(cast, funded, changes, field):
    tank = funded["Tanque"]
    before = _stored()
    with pytest.raises(CycleError) as refused:
        spend(cast, tank, **changes)
    assert refused.value.field == field
    assert _stored() == before


def test_a_future_date_is_refused(cast, funded):
    with pytest.raises(CycleError) as refused:
        spend(cast, funded["Tanque"], spent_on=timezone.localdate() + timedelta(days=1))
    assert refused.value.field == "spent_on"


def test_only_the_financial_unit_records_expenses(cast, funded):
    for user in (cast.spokesperson.user, cast.comptroller.user, cast.admin.user):
        with pytest.raises(CycleError):
            spend(cast, funded["Tanque"], by=user)
    assert not Expense.objects.exists()


def _carry(cast, item):
    motion = decisions.propose_motion(item, text="Autorizar", by=cast.electoral.user)
    assembly = item.assembly
    for registered in assembly.registered.select_related("resident")[:COUNCIL_A_VOTERS]:
        Attendance.objects.get_or_create(assembly=assembly, resident=registered.resident)
    decisions.decide_by_hands(
        motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
    )


def test_an_overspend_needs_the_assemblys_decision(cast, funded):
    library = funded["Biblioteca"]  # 1,500
    spend(cast, library, "1400")
    before = _stored()
    with pytest.raises(CycleError) as refused:
        spend(cast, library, "200")
    assert refused.value.field == "amount"
    assert "1.600" in str(refused.value) or "1,600" in str(refused.value)
    assert _stored() == before
    asked = expenses.propose_authorisation(
        library,
        amount="300",
        reason="El cemento subió de precio.",
        assembly=assembly_in(cast, Status.IN_SESSION, items=1),
        by=cast.financial.user,
    )
    with pytest.raises(CycleError):  # not yet decided
        spend(cast, library, "200")
    _carry(cast, asked.item)
    asked.refresh_from_db()
    assert asked.status == AuthorisationStatus.CARRIED
    over = spend(cast, library, "200")
    assert over.authorisation == asked
    with pytest.raises(CycleError):  # 1,400 + 200 + 250 > 1,500 + 300
        spend(cast, library, "250")
    figures = execution.totals(library)
    assert (figures.ceiling, figures.spent, figures.over_allocation) == (
        Decimal("1800.00"),
        Decimal("1600.00"),
        Decimal("100.00"),
    )
    assert verify().ok, _problems()


def test_an_expense_is_reversed_never_edited(cast, funded):
    tank = funded["Tanque"]
    expense = spend(cast, tank, "500")
    with pytest.raises(CycleError) as refused:
        expenses.reverse(expense, reason="", by=cast.financial.user)
    assert refused.value.field == "reason"
    reversal = expenses.reverse(expense, reason="Factura duplicada.", by=cast.financial.user)
    assert (reversal.amount, reversal.reverses) == (Decimal("-500.00"), expense)
    assert execution.totals(tank).spent == Decimal("0.00")
    with pytest.raises(CycleError):
        expenses.reverse(expense, reason="Otra vez.", by=cast.financial.user)
    with pytest.raises(CycleError):
        expenses.reverse(reversal, reason="Deshacer.", by=cast.financial.user)
    assert verify().ok, _problems()


# --- the ledger ------------------------------------------------------------------------------


def _problems():
    report = verify()
    return [p for c in report.chains.values() for p in c.problems], report.witness_problems


def test_verify_catches_an_amount_edited_with_sql(cast, funded):
    expense = spend(cast, funded["Tanque"], "500")
    assert verify().ok, _problems()
    _sql(f"UPDATE {Expense._meta.db_table} SET amount = %s WHERE id = %s", ["50.00", expense.pk])
    assert not verify().ok


def test_verify_catches_a_swapped_receipt(cast, funded):
    expense = spend(cast, funded["Tanque"], "500")
    assert verify().ok, _problems()
    with expense.receipt.storage.open(expense.receipt.name, "wb") as handle:
        handle.write(PDF.replace(b"1.4", b"1.7"))
    assert not verify().ok
    problems, _ = _problems()
    assert any("receipt" in str(p) for p in problems), problems


def test_verify_catches_an_expense_inserted_with_sql(cast, funded):
    expense = spend(cast, funded["Tanque"], "500")
    columns = [f.column for f in Expense._meta.concrete_fields if f.column != "id"]
    _sql(
        f"INSERT INTO {Expense._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM {Expense._meta.db_table} WHERE id = %s",
        [expense.pk],
    )
    assert not verify().ok


def test_verify_catches_a_status_or_milestone_edited_with_sql(cast, funded):
    tank = funded["Tanque"]
    execution.set_status(tank, status=ExecutionStatus.IN_PROGRESS, by=cast.spokesperson.user)
    made = execution.add_milestone(
        tank, title="Compra", due_on="2027-03-01", by=cast.financial.user
    )
    assert verify().ok, _problems()
    _sql(
        f"UPDATE {Milestone._meta.db_table} SET due_on = %s WHERE id = %s", ["2028-03-01", made.pk]
    )
    assert not verify().ok
    _sql(
        f"UPDATE {Milestone._meta.db_table} SET due_on = %s WHERE id = %s", ["2027-03-01", made.pk]
    )
    assert verify().ok, _problems()
    _sql(f"UPDATE {Execution._meta.db_table} SET status = %s WHERE id = %s", ["done", tank.pk])
    assert not verify().ok


def test_money_received_is_recorded_in_the_bodys_currency(cast, funded):
    body = cast.council
    with pytest.raises(CycleError) as refused:
        execution.record_funds(
            body,
            amount="1000",
            currency="EUR",
            received_on="2026-01-05",
            source="Fondo",
            by=cast.financial.user,
        )
    assert refused.value.field == "currency"
    with pytest.raises(CycleError):
        execution.record_funds(
            body,
            amount="1000",
            currency=body.currency,
            received_on="2026-01-05",
            source="Fondo",
            by=cast.spokesperson.user,
        )
    execution.record_funds(
        body,
        amount="1000",
        currency=body.currency,
        received_on="2026-01-05",
        source="Fondo",
        by=cast.financial.user,
    )
    assert FundsReceived.objects.count() == 1
    assert verify().ok, _problems()


def test_verify_catches_a_status_or_a_milestone_done_set_with_sql_without_entries(cast, funded):
    tank = funded["Tanque"]
    made = execution.add_milestone(
        tank, title="Compra", due_on="2027-03-01", by=cast.financial.user
    )
    assert verify().ok, _problems()
    _sql(f"UPDATE {Execution._meta.db_table} SET status = %s WHERE id = %s", ["done", tank.pk])
    assert not verify().ok
    _sql(
        f"UPDATE {Execution._meta.db_table} SET status = %s WHERE id = %s", ["not_started", tank.pk]
    )
    assert verify().ok, _problems()
    _sql(
        f"UPDATE {Milestone._meta.db_table} SET done_on = %s WHERE id = %s", ["2026-01-01", made.pk]
    )
    assert not verify().ok


def test_verify_catches_a_progress_photo_removed_with_sql(cast, funded):
    from comuna.cycles.models import ProgressUpdate

    update = execution.post_update(
        funded["Tanque"], text="Llegó", photo=png("foto.png"), by=cast.spokesperson.user
    )
    assert verify().ok, _problems()
    _sql(f"UPDATE {ProgressUpdate._meta.db_table} SET photo = '' WHERE id = %s", [update.pk])
    assert not verify().ok


def test_an_expense_is_in_the_allocations_currency(cast, funded):
    tank = funded["Tanque"]
    Execution.objects.filter(pk=tank.pk).update(currency="USD")
    tank.refresh_from_db()
    with pytest.raises(CycleError) as refused:
        spend(cast, tank, currency=cast.council.currency)
    assert refused.value.field == "currency"
    assert not Expense.objects.exists()


def test_a_request_its_assembly_never_decided_lapses_when_another_is_made(cast, funded):
    from comuna.assemblies.models import Assembly

    library = funded["Biblioteca"]
    first = expenses.propose_authorisation(
        library,
        amount="300",
        reason="El cemento subió.",
        assembly=assembly_in(cast, Status.IN_SESSION, items=1),
        by=cast.financial.user,
    )
    again = {
        "amount": "300",
        "reason": "El cemento subió.",
        "by": cast.financial.user,
    }
    with pytest.raises(CycleError):  # the first still waits for its assembly
        expenses.propose_authorisation(
            library, assembly=assembly_in(cast, Status.IN_SESSION, items=1), **again
        )
    Assembly.objects.filter(pk=first.item.assembly_id).update(status=Status.FAILED)
    second = expenses.propose_authorisation(
        library, assembly=assembly_in(cast, Status.IN_SESSION, items=1), **again
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (
        AuthorisationStatus.LAPSED,
        AuthorisationStatus.PROPOSED,
    )
    assert len(entries_of("expense.authorisation_lapsed")) == 1
    assert verify().ok, _problems()
