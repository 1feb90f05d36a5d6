"""Expenses (issue 14): money spent on a funded project, each with its receipt (``expense.*``).

- :func:`record`: the administrative-financial unit records an expense: a positive amount in
  the body's currency (``Decimal``, exact to the cent), the date, the supplier (name and tax
  id), a description, the budget item (one of the project's cost items, optional) and the
  receipt (a PDF or a picture by its content, at most 5 MB), stored with its SHA-256, which
  the entry keeps. An expense taking the project beyond its allocation is refused unless the
  assembly authorised spending beyond it (:func:`propose_authorisation`, carried): the expense
  then links the decision.
- An expense is never edited nor deleted: :func:`reverse` undoes one with a correcting expense
  of the opposite amount, linked to it, with a reason.
- ``comuna ledger verify`` re-derives each entry from its row (an amount edited through SQL no
  longer matches), hashes each receipt on disk against the recorded hash (a swapped file is
  caught), and the chain check finds an expense inserted by SQL with no entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies.models import Assembly, Motion
from comuna.cycles import matters
from comuna.cycles.budgets import put_on_agenda
from comuna.cycles.cycle import refuse
from comuna.cycles.execution import ZERO, allowed, currency_of, money, totals
from comuna.cycles.execution import clean_text as _text
from comuna.cycles.execution import locked as _locked
from comuna.cycles.files import check_document, stored_sha256
from comuna.cycles.models import (
    AuthorisationStatus,
    CostItem,
    Execution,
    ExecutionStatus,
    Expense,
    SpendingAuthorisation,
)
from comuna.cycles.rules import ExecutionAction
from comuna.ledger import record as ledger_record
from comuna.ledger.checks import differs
from comuna.territory.actors import acting_user, actor_label

TEXT_MAX = 10000


def _financial_only(by: Any, action: str, execution: Execution) -> None:
    if allowed(by, action, execution):
        return
    if execution.status == ExecutionStatus.ABANDONED and action == ExecutionAction.RECORD_EXPENSE:
        raise refuse(_("This project was abandoned: no more is spent on it."))
    raise refuse(_("The administrative-financial unit records and reverses expenses."))


def payload(expense: Expense) -> dict[str, Any]:
    """What the ledger keeps of an expense (the receipt by its SHA-256)."""
    return {
        "expense": expense.pk,
        "execution": expense.execution_id,
        "project": expense.execution.project_id,
        "amount": str(expense.amount),
        "currency": expense.currency,
        "spent_on": expense.spent_on.isoformat(),
        "supplier": expense.supplier,
        "supplier_tax_id": expense.supplier_tax_id,
        "description": expense.description,
        "item": expense.item_id,
        "receipt_sha256": expense.receipt_sha256,
        "authorisation": expense.authorisation_id,
        "reverses": expense.reverses_id,
        "reason": expense.reason,
    }


def _cost_item(execution: Execution, item: Any) -> CostItem | None:
    """One of the project's cost items (by row or id), None for none, or a refusal."""
    if item in (None, ""):
        return None
    item_id = rows.parse_id(item.pk if isinstance(item, CostItem) else item)
    found = None
    if item_id is not None:
        found = CostItem.objects.filter(pk=item_id, project_id=execution.project_id).first()
    if found is None:
        raise refuse(_("Choose one of the project's cost items."), "item")
    return found


def _shown(value) -> str:
    return number_format(value, 2, force_grouping=True)


def _spent_on(value: Any) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise refuse(_("Give the expense's date as YYYY-MM-DD."), "spent_on") from None
    if day > timezone.localdate():
        raise refuse(
            _("An expense is recorded once made: its date is not in the future."), "spent_on"
        )
    return day


def _authorisation_for(execution: Execution, amount, figures) -> SpendingAuthorisation | None:
    """None when ``amount`` fits the allocation; the assembly's decision covering it
    otherwise (the latest carried one), or a refusal naming what is missing."""
    after = figures.spent + amount
    if after <= figures.allocation:
        return None
    if after > figures.ceiling:
        if figures.authorised:
            raise refuse(
                _(
                    "This expense takes the project to %(after)s, beyond its allocation of "
                    "%(allocation)s and the %(authorised)s more the assembly authorised. Put the "
                    "rest to the assembly first."
                )
                % {
                    "after": _shown(after),
                    "allocation": _shown(figures.allocation),
                    "authorised": _shown(figures.authorised),
                },
                "amount",
            )
        raise refuse(
            _(
                "This expense takes the project to %(after)s, beyond its allocation of "
                "%(allocation)s: an assembly decision must authorise spending beyond it first."
            )
            % {"after": _shown(after), "allocation": _shown(figures.allocation)},
            "amount",
        )
    return (
        execution.authorisations.filter(status=AuthorisationStatus.CARRIED).order_by("-pk").first()
    )


@transaction.atomic
def record(
    execution: Execution,
    *,
    amount: Any,
    currency: str,
    spent_on: Any,
    supplier: str,
    supplier_tax_id: str,
    description: str,
    item: CostItem | int | None = None,
    receipt: Any,
    by: Any,
) -> Expense:
    """Records ``expense.recorded``; refused, with nothing stored, for a non-positive amount,
    another currency, a receipt too large or not a PDF or picture, or an overspend the
    assembly did not authorise."""
    actor = actor_label(by)
    execution = _locked(execution)
    _financial_only(by, ExecutionAction.RECORD_EXPENSE, execution)
    body = execution.budget.body
    amount = money(amount, "amount")
    currency = currency_of(execution.currency, currency)
    day = _spent_on(spent_on)
    supplier = _text(supplier, "supplier", _("Name the supplier paid."), 200)
    tax_id = _text(supplier_tax_id, "supplier_tax_id", _("Give the supplier's tax id (RIF)."), 40)
    description = _text(description, "description", _("Say what was bought or paid for."), TEXT_MAX)
    item = _cost_item(execution, item)
    document = check_document(receipt, "receipt")
    authorisation = _authorisation_for(execution, amount, totals(execution))
    expense = Expense(
        execution=execution,
        amount=amount,
        currency=currency,
        spent_on=day,
        supplier=supplier,
        supplier_tax_id=tax_id,
        description=description,
        item=item,
        receipt_type=document.kind,
        receipt_sha256=document.sha256,
        authorisation=authorisation,
        recorded_by=acting_user(by),
        recorded_at=timezone.now(),
    )
    receipt.seek(0)
    expense.receipt.save(f"receipt.{document.kind}", ContentFile(receipt.read()), save=False)
    try:
        expense.save()
        ledger_record(body.ledger_chain, "expense.recorded", payload(expense), actor=actor)
    except Exception:
        expense.receipt.delete(save=False)
        raise
    return expense


@transaction.atomic
def reverse(expense: Expense, *, reason: str, by: Any) -> Expense:
    """Undo an expense with a correcting one of the opposite amount, linked to it, with a
    reason (the receipt stays the original's). Records ``expense.reversed``."""
    actor = actor_label(by)
    expense = Expense.objects.select_for_update(of=("self",)).get(pk=expense.pk)
    execution = _locked(expense.execution)
    _financial_only(by, ExecutionAction.REVERSE_EXPENSE, execution)
    if expense.reverses_id is not None:
        raise refuse(_("A reversal is not reversed: record the expense again instead."))
    if Expense.objects.filter(reverses=expense).exists():
        raise refuse(_("This expense was already reversed."))
    reason = _text(reason, "reason", _("Say why the expense is reversed."), TEXT_MAX)
    reversal = Expense.objects.create(
        execution=execution,
        amount=-expense.amount,
        currency=expense.currency,
        spent_on=timezone.localdate(),
        supplier=expense.supplier,
        supplier_tax_id=expense.supplier_tax_id,
        description=expense.description,
        item=expense.item,
        receipt_type="",
        receipt_sha256="",
        reverses=expense,
        reason=reason,
        recorded_by=acting_user(by),
        recorded_at=timezone.now(),
    )
    ledger_record(
        execution.budget.body.ledger_chain, "expense.reversed", payload(reversal), actor=actor
    )
    return reversal


# --- spending beyond the allocation ----------------------------------------------------------


def authorisation_text(authorisation: SpendingAuthorisation) -> str:
    """The agenda item's text, in the site's language (the agenda is the body's, not the
    reader's)."""
    execution = authorisation.execution
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Authorise spending %(amount)s %(currency)s more on %(project)s") % {
            "amount": _shown(authorisation.amount),
            "currency": execution.currency,
            "project": execution.project.title,
        }
    return text[:300]


def authorisation_payload(authorisation: SpendingAuthorisation) -> dict[str, Any]:
    return {
        "authorisation": authorisation.pk,
        "execution": authorisation.execution_id,
        "amount": str(authorisation.amount),
        "reason": authorisation.reason,
        "assembly": authorisation.item.assembly_id if authorisation.item_id else None,
        "item": authorisation.item_id,
    }


@transaction.atomic
def propose_authorisation(
    execution: Execution, *, amount: Any, reason: str, assembly: Assembly, by: Any
) -> SpendingAuthorisation:
    """Put spending up to ``amount`` beyond the project's allocation on the agenda of the
    assembly in session, or of a coming one while its agenda may be amended. In force once
    the assembly carries it (simple majority of those present). Records
    ``expense.authorisation_proposed``."""
    actor = actor_label(by)
    execution = _locked(execution)
    if not allowed(by, ExecutionAction.AUTHORISE_SPENDING, execution):
        raise refuse(
            _("The administrative-financial unit or the coordination collective asks for this.")
        )
    amount = money(amount, "amount")
    reason = _text(
        reason,
        "reason",
        _("Say why more money is needed: the assembly and the public read it."),
        TEXT_MAX,
    )
    matters.lapse_stale(
        execution.authorisations.all(),
        chain=execution.budget.body.ledger_chain,
        kind="expense.authorisation_lapsed",
        payload=lapsed_payload,
        actor=actor,
    )
    if execution.authorisations.filter(status=AuthorisationStatus.PROPOSED).exists():
        raise refuse(_("A request for this project already waits for the assembly."))
    if assembly is None or assembly.body_id != execution.budget.body_id:
        raise refuse(_("Choose one of this body's assemblies."), "assembly")
    authorisation = SpendingAuthorisation.objects.create(
        execution=execution,
        amount=amount,
        reason=reason,
        proposed_by=acting_user(by),
        proposed_at=timezone.now(),
    )
    item = put_on_agenda(
        assembly,
        text=authorisation_text(authorisation),
        description=reason,
        why=gettext_lazy("Spending beyond a funded project's allocation."),
        by=by,
    )
    authorisation.item = item
    authorisation.save(update_fields=["item"])
    ledger_record(
        execution.budget.body.ledger_chain,
        "expense.authorisation_proposed",
        authorisation_payload(authorisation),
        actor=actor,
    )
    return authorisation


def lapsed_payload(authorisation: SpendingAuthorisation) -> dict[str, Any]:
    """The ``expense.authorisation_lapsed`` entry: a request whose assembly ended (or failed
    for lack of quorum) without deciding it lapses when the next is made, so that the need can
    go to another assembly."""
    return {
        "authorisation": authorisation.pk,
        "execution": authorisation.execution_id,
    } | matters.where_lapsed(authorisation)


def decided_payload(authorisation: SpendingAuthorisation) -> dict[str, Any]:
    return {
        "authorisation": authorisation.pk,
        "execution": authorisation.execution_id,
        "amount": str(authorisation.amount),
        "motion": authorisation.motion_id,
        "outcome": authorisation.status,
    }


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    """The assemblies decided a motion: when it is the main motion on a request's item, the
    request is authorised or rejected with it, in the same transaction."""
    authorisation = matters.decide(
        SpendingAuthorisation, motion, related=("execution__budget__body",)
    )
    if authorisation is None:
        return
    ledger_record(
        authorisation.execution.budget.body.ledger_chain,
        "expense.authorisation_decided",
        decided_payload(authorisation),
        actor=actor,
    )


# --- ledger checks ---------------------------------------------------------------------------


def _expense_of(entry) -> tuple[Expense | None, str | None]:
    expense = (
        Expense.objects.select_related("execution__budget__body")
        .filter(pk=entry.data.get("expense"))
        .first()
    )
    if expense is None or expense.execution.budget.body.ledger_chain != entry.chain:
        return None, _("expense %(expense)s is missing from the database") % {
            "expense": entry.data.get("expense")
        }
    return expense, None


def check_expense(entry) -> str | None:
    expense, problem = _expense_of(entry)
    if expense is None:
        return problem
    problem = differs(_("expense"), expense.pk, entry.data, payload(expense), every_key=True)
    if problem is not None:
        return problem
    if expense.reverses_id is None:
        on_disk = stored_sha256(expense.receipt)
        if on_disk != entry.data.get("receipt_sha256"):
            return _("the receipt of expense %(expense)s is not the file recorded") % {
                "expense": expense.pk
            }
    return None


def _authorisation_of(entry) -> tuple[SpendingAuthorisation | None, str | None]:
    found = (
        SpendingAuthorisation.objects.select_related("execution__budget__body", "item")
        .filter(pk=entry.data.get("authorisation"))
        .first()
    )
    if found is None or found.execution.budget.body.ledger_chain != entry.chain:
        return None, _("spending authorisation %(id)s is missing from the database") % {
            "id": entry.data.get("authorisation")
        }
    return found, None


check_proposed, check_decided, check_lapsed = matters.entry_checks(
    _authorisation_of,
    gettext_lazy("spending authorisation"),
    proposed=authorisation_payload,
    decided=decided_payload,
    not_lapsed=gettext_lazy("spending authorisation %(id)s lapsed, but it says otherwise"),
)


def check_expenses(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every expense in the database was recorded (none inserted with SQL), and no
    authorisation is in force without the decision that carried it."""
    from comuna.ledger import entries
    from comuna.territory import records

    body = records.body_of_chain(chain)
    if body is None:
        return []
    recorded = {
        e.data.get("expense")
        for e in entries(chain)
        .filter(kind__in=["expense.recorded", "expense.reversed"])
        .only("payload", "kind")
    }
    problems = []
    for pk in Expense.objects.filter(execution__budget__body=body).values_list("pk", flat=True):
        if pk not in recorded:
            problems.append((0, "", _("expense %(id)s was never recorded") % {"id": pk}))
    unrecorded = matters.undecided(
        chain,
        SpendingAuthorisation.objects.filter(execution__budget__body=body),
        key="authorisation",
        decided="expense.authorisation_decided",
        lapsed="expense.authorisation_lapsed",
    )
    for found in unrecorded:
        problems.append(
            (
                0,
                "",
                _("spending authorisation %(id)s is %(status)s with no assembly decision recorded")
                % {"id": found.pk, "status": found.get_status_display()},
            )
        )
    return problems


__all__ = ["ZERO", "propose_authorisation", "record", "reverse"]

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "expense.recorded": (check_expense, gettext_lazy("Expense recorded")),
    "expense.reversed": (check_expense, gettext_lazy("Expense reversed")),
    "expense.authorisation_proposed": (
        check_proposed,
        gettext_lazy("Spending beyond an allocation put to the assembly"),
    ),
    "expense.authorisation_decided": (
        check_decided,
        gettext_lazy("Spending beyond an allocation decided by the assembly"),
    ),
    "expense.authorisation_lapsed": (
        check_lapsed,
        gettext_lazy("Spending beyond an allocation left undecided by its assembly"),
    ),
}
CHAIN_CHECKS: dict = {"expense.rows": check_expenses}
