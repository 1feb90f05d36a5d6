"""A funded project's execution and its expenses, for anyone when the statute's ``cycle_public``
says so (its members otherwise: 401 for a visitor, 403 for a stranger):
``GET .../projects/{id}/execution`` (allocation, status, milestones, progress, the money's
figures, the assembly's authorisations) and ``GET .../projects/{id}/expenses/`` (by id, each
with its receipt's SHA-256 and address). ``POST .../projects/{id}/expenses/`` records an
expense for the administrative-financial unit: a multipart form with the receipt file, refused
field by field (400) with nothing stored. Amounts are exact decimals as strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from comuna import rows
from comuna.api.access import PUBLIC, Permission, declare, find, user_of
from comuna.api.auth import AUTH
from comuna.api.cycle_access import readable_body, slug_path
from comuna.api.errors import Invalid
from comuna.api.schemas import Label, label, page_by_id, problems
from comuna.cycles import execution as service
from comuna.cycles import expenses
from comuna.cycles.errors import CycleError
from comuna.cycles.models import Execution, Expense, Lesson
from comuna.cycles.rules import ExecutionAction

router = Router(tags=["cycle"])

FOUND = problems(400, 401, 403, 404)


def _project_id():
    return Path(..., ge=0, le=rows.MAX_ID, description="Project id.")


# --- schemas ---------------------------------------------------------------------------------


class ExecutionMilestone(Schema):
    id: int
    title: str
    due_on: date
    done_on: date | None
    overdue: bool = Field(description="Not done and past its date, while the project is under way.")


class ExecutionUpdate(Schema):
    id: int
    text: str
    posted_at: datetime
    photo_url: str | None
    photo_sha256: str = Field(description="Empty when the update has no photo.")


class ExecutionAuthorisation(Schema):
    id: int
    amount: str = Field(description="How much more than the allocation may be spent.")
    reason: str
    status: Label
    assembly: int | None
    motion: int | None


class ExecutionMoney(Schema):
    allocation: str
    authorised: str = Field(description="Beyond the allocation, by carried assembly decisions.")
    ceiling: str = Field(description="allocation + authorised.")
    spent: str = Field(description="Every expense, reversals negative.")
    left: str = Field(description="ceiling - spent.")
    currency: str


class ExecutionOut(Schema):
    id: int
    project: int
    budget: int
    committee: str | None
    status: Label
    status_reason: str = Field(description="Why it is paused or abandoned.")
    money: ExecutionMoney
    milestones: list[ExecutionMilestone]
    updates: list[ExecutionUpdate]
    authorisations: list[ExecutionAuthorisation]
    lesson: int | None = Field(description="The clearing house's lesson, once recorded.")


class ExpenseOut(Schema):
    id: int
    amount: str = Field(description="Positive; a reversal's is the negative of the reversed.")
    currency: str
    spent_on: date
    supplier: str
    supplier_tax_id: str
    description: str
    item: str | None = Field(description="The project's cost item it is charged to.")
    receipt_url: str | None
    receipt_sha256: str = Field(description="SHA-256 of the receipt, as the ledger keeps it.")
    reverses: int | None = Field(description="The expense this one reverses.")
    reason: str = Field(description="Why a reversal undoes its expense.")
    authorisation: int | None = Field(
        description="The assembly's authorisation that allowed spending beyond the allocation."
    )
    recorded_at: datetime


class ExpenseList(Schema):
    items: list[ExpenseOut]
    next_after: int | None


class ExpenseIn(Schema):
    amount: str = Field(description='A positive amount, e.g. "1250.50" or "1250,50".')
    currency: str = Field(description="The body's currency (ISO 4217).")
    spent_on: date
    supplier: str
    supplier_tax_id: str
    description: str
    item: int | None = Field(None, description="One of the project's cost items, by id.")


# --- endpoints -------------------------------------------------------------------------------


def _execution(request, slug: str, project_id: int) -> tuple[Any, Execution]:
    body = readable_body(request, slug)
    found = (
        Execution.objects.select_related("budget", "committee", "project")
        .filter(project_id=project_id, budget__body=body)
        .first()
    )
    if found is None:
        raise Http404
    return body, found


def _milestone(m, execution: Execution, today: date) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "due_on": m.due_on,
        "done_on": m.done_on,
        "overdue": service.milestone_overdue(m, execution, today),
    }


@router.get(
    "/bodies/{slug}/projects/{project_id}/execution",
    operation_id="cycle_execution",
    summary="A funded project's execution: money, status, milestones, progress",
    response={200: ExecutionOut, **FOUND},
    url_name="api-execution",
)
@declare(PUBLIC)
def execution_detail(request, slug: str = slug_path(), project_id: int = _project_id()):
    """What the execution page shows, for machines: 404 for a project not funded (or whose
    execution is not open yet)."""
    from django.utils import timezone

    body, found = _execution(request, slug, project_id)
    figures = service.totals(found)
    today = timezone.localdate()
    lesson = Lesson.objects.filter(execution=found).values_list("pk", flat=True).first()
    return {
        "id": found.pk,
        "project": found.project_id,
        "budget": found.budget_id,
        "committee": found.committee.name if found.committee else None,
        "status": label(found.status, found.get_status_display()),
        "status_reason": found.status_reason,
        "money": {
            "allocation": str(figures.allocation),
            "authorised": str(figures.authorised),
            "ceiling": str(figures.ceiling),
            "spent": str(figures.spent),
            "left": str(figures.left),
            "currency": found.currency,
        },
        "milestones": [
            _milestone(m, found, today) for m in found.milestones.order_by("due_on", "pk")
        ],
        "updates": [
            {
                "id": u.pk,
                "text": u.text,
                "posted_at": u.posted_at,
                "photo_url": reverse(
                    "progress-photo",
                    kwargs={"slug": body.slug, "pk": found.project_id, "update": u.pk},
                )
                if u.photo
                else None,
                "photo_sha256": u.photo_sha256,
            }
            for u in found.updates.order_by("-posted_at", "-pk")
        ],
        "authorisations": [
            {
                "id": a.pk,
                "amount": str(a.amount),
                "reason": a.reason,
                "status": label(a.status, a.get_status_display()),
                "assembly": a.item.assembly_id if a.item_id else None,
                "motion": a.motion_id,
            }
            for a in found.authorisations.select_related("item").order_by("pk")
        ],
        "lesson": lesson,
    }


def _expense(body, project_id: int):
    def shape(e: Expense) -> dict[str, Any]:
        return {
            "id": e.pk,
            "amount": str(e.amount),
            "currency": e.currency,
            "spent_on": e.spent_on,
            "supplier": e.supplier,
            "supplier_tax_id": e.supplier_tax_id,
            "description": e.description,
            "item": e.item.description if e.item_id else None,
            "receipt_url": reverse(
                "expense-receipt", kwargs={"slug": body.slug, "pk": project_id, "expense": e.pk}
            )
            if e.receipt
            else None,
            "receipt_sha256": e.receipt_sha256,
            "reverses": e.reverses_id,
            "reason": e.reason,
            "authorisation": e.authorisation_id,
            "recorded_at": e.recorded_at,
        }

    return shape


@router.get(
    "/bodies/{slug}/projects/{project_id}/expenses/",
    operation_id="cycle_expenses",
    summary="A funded project's expenses, each with its receipt",
    response={200: ExpenseList, **FOUND},
    url_name="api-expenses",
)
@declare(PUBLIC)
def expense_list(
    request,
    slug: str = slug_path(),
    project_id: int = _project_id(),
    after: int = Query(0, ge=0, le=rows.MAX_ID, description="The last expense id read."),
    limit: int = Query(50, ge=1, le=200),
):
    """Every expense by id, reversals included (a reversal names the expense it undoes)."""
    body, found = _execution(request, slug, project_id)
    listed = found.expenses.select_related("item").filter(pk__gt=after).order_by("pk")
    return page_by_id(listed, limit, _expense(body, project_id))


@router.post(
    "/bodies/{slug}/projects/{project_id}/expenses/",
    operation_id="cycle_expense_record",
    summary="Record an expense with its receipt (the administrative-financial unit)",
    response={201: ExpenseOut, **problems(400, 401, 403, 404)},
    url_name="api-expense-record",
    auth=AUTH,
)
@declare(Permission(ExecutionAction.RECORD_EXPENSE, Execution))
def expense_record(
    request,
    payload: Form[ExpenseIn],
    receipt: File[UploadedFile],
    slug: str = slug_path(),
    project_id: int = _project_id(),
):
    """A multipart form: the fields and ``receipt`` (a PDF or a picture, at most 5 MB). 400
    names the field refused (a negative amount, another currency, a receipt of another type,
    spending beyond the allocation without the assembly's decision) and nothing is stored."""
    execution = Execution.objects.filter(project_id=project_id).values_list("pk", flat=True).first()
    if execution is None:
        raise Http404
    body, found = find(request, slug, ExecutionAction.RECORD_EXPENSE, Execution, execution)
    try:
        made = expenses.record(
            found,
            amount=payload.amount,
            currency=payload.currency,
            spent_on=payload.spent_on,
            supplier=payload.supplier,
            supplier_tax_id=payload.supplier_tax_id,
            description=payload.description,
            item=payload.item,
            receipt=receipt,
            by=user_of(request),
        )
    except CycleError as exc:
        field = getattr(exc, "field", None) or "__all__"
        raise Invalid(str(exc), [{"field": field, "message": str(exc)}]) from None
    return Status(201, _expense(body, project_id)(made))
