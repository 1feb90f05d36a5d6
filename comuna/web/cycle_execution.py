"""Pages of issue 14's execution (cycle_execution): a funded project's execution page (its
money against its allocation, status, milestones, progress, expenses with their receipts, the
assembly's authorisations), and the forms of the project's team (milestones, status, progress)
and of the administrative-financial unit (expenses, reversals, spending beyond the allocation,
money received, opening a counted budget's executions). Thin views over
comuna.cycles.execution and comuna.cycles.expenses; every form works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comuna.cycles import budgets, expenses, files, visibility
from comuna.cycles import execution as service
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    Budget,
    Execution,
    ExecutionStatus,
    Expense,
    Lesson,
    Milestone,
    Project,
)
from comuna.cycles.rules import BudgetAction, ComptrollerAction, ExecutionAction
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def milestones_of(execution: Execution) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "milestone": m,
            "overdue": service.milestone_overdue(m, execution, today),
            "late": m.done_on is not None and m.done_on > m.due_on,
        }
        for m in execution.milestones.order_by("due_on", "position", "pk")
    ]


# --- the execution page ----------------------------------------------------------------------


@public
def execution_detail(request, slug, pk):
    """Public when the statute says the cycle is: a funded project's money (allocation,
    authorised beyond it, spent, left), status with its reason, milestones, progress updates
    and every expense with its receipt; the forms its team and the financial unit may use."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    project = get_object_or_404(
        Project.objects.select_related("cycle", "committee"), pk=pk, cycle__body=body
    )
    execution = Execution.objects.filter(project=project).select_related("budget").first()
    if execution is None:
        raise Http404
    user = request.user
    rows = list(
        execution.expenses.select_related("item", "authorisation", "reverses").order_by(
            "spent_on", "pk"
        )
    )
    reversed_ids = {e.reverses_id for e in rows if e.reverses_id}
    lesson = Lesson.objects.filter(execution=execution).first()
    return render(
        request,
        "web/cycles/execution/execution.html",
        {
            "body": body,
            "cycle": project.cycle,
            "has_cycle_page": True,
            "project": project,
            "execution": execution,
            "totals": service.totals(execution),
            "milestones": milestones_of(execution),
            "updates": list(execution.updates.order_by("-posted_at", "-pk")),
            "expenses": rows,
            "reversed_ids": reversed_ids,
            "authorisations": list(
                execution.authorisations.select_related("item__assembly", "motion").order_by("pk")
            ),
            "lesson": lesson,
            "can_plan": can(user, ExecutionAction.PLAN, execution)
            and service.on_team(user, execution),
            "can_status": can(user, ExecutionAction.SET_STATUS, execution)
            and service.on_team(user, execution),
            "can_spend": can(user, ExecutionAction.RECORD_EXPENSE, execution),
            "can_reverse": can(user, ExecutionAction.REVERSE_EXPENSE, execution),
            "can_authorise": can(user, ExecutionAction.AUTHORISE_SPENDING, execution),
            "can_lesson": can(user, ExecutionAction.RECORD_LESSON, execution)
            and service.on_team(user, execution)
            and lesson is None,
        },
    )


@public
def expense_receipt(request, slug, pk, expense):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    found = get_object_or_404(
        Expense, pk=expense, execution__project_id=pk, execution__budget__body=body
    )
    return files.served(found.receipt, found.receipt_type)


@public
def progress_photo(request, slug, pk, update):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    execution = get_object_or_404(Execution, project_id=pk, budget__body=body)
    found = get_object_or_404(execution.updates, pk=update)
    kind = found.photo.name.rsplit(".", 1)[-1] if found.photo else ""
    return files.served(found.photo, kind)


# --- the team's forms ------------------------------------------------------------------------


def _form_page(request, body, execution, form, *, title: str, submit: str, multipart=False):
    return render(
        request,
        "web/cycles/execution/form.html",
        {
            "body": body,
            "project": execution.project,
            "cycle": execution.project.cycle,
            "has_cycle_page": True,
            "execution": execution,
            "totals": service.totals(execution),
            "form": form,
            "title": title,
            "submit": submit,
            "multipart": multipart,
        },
        status=form_status(request),
    )


def _done(request, execution: Execution, message: str):
    messages.success(request, message)
    return redirect("execution", slug=execution.budget.body.slug, pk=execution.project_id)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE)


@body_view(ExecutionAction.PLAN, Execution)
def milestone_new(request, body, execution):
    """The project's team adds a milestone with its date."""
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.add_milestone(execution, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The milestone is added."))
    return _form_page(
        request, body, execution, form, title=_("Add a milestone"), submit=_("Add the milestone")
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(
        label=gettext_lazy("Done on"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Today when left empty."),
    )


@body_view(ExecutionAction.PLAN, Execution)
def milestone_done(request, body, execution, milestone):
    """The project's team marks a milestone done."""
    found = get_object_or_404(Milestone, pk=milestone, execution=execution)
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.complete_milestone(found, done_on=form.cleaned_data["done_on"], by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The milestone is marked done."))
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Mark done: %(milestone)s") % {"milestone": found.title},
        submit=_("Mark it done"),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=ExecutionStatus.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Needed to pause or abandon the project; everyone can read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )


@body_view(ExecutionAction.SET_STATUS, Execution)
def execution_status(request, body, execution):
    """The project's team sets its status (paused and abandoned with a reason)."""
    form = StatusForm(request.POST or None, initial={"status": execution.status})
    if request.method == "POST" and form.is_valid():
        try:
            service.set_status(execution, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The project's status is changed."))
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Change the project's status"),
        submit=_("Change it"),
    )


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        help_text=gettext_lazy("A photo: JPEG, PNG, GIF or WebP, at most 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )


@body_view(ExecutionAction.PLAN, Execution)
def update_new(request, body, execution):
    """The project's team posts a progress update, with a photo if it has one."""
    form = UpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.post_update(execution, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The update is posted."))
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Post a progress update"),
        submit=_("Post it"),
        multipart=True,
    )


# --- the financial unit's forms --------------------------------------------------------------


class ExpenseForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=10)
    spent_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    supplier = forms.CharField(label=gettext_lazy("Supplier"), max_length=200)
    supplier_tax_id = forms.CharField(label=gettext_lazy("Supplier's tax id (RIF)"), max_length=40)
    description = forms.CharField(
        label=gettext_lazy("What was bought or paid for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )
    item = forms.ChoiceField(label=gettext_lazy("Budget item"), required=False)
    receipt = forms.FileField(
        label=gettext_lazy("Receipt"),
        help_text=gettext_lazy("The invoice or receipt: a PDF or a picture, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/gif,image/webp"}
        ),
    )

    def __init__(self, *args, execution: Execution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("None in particular"))] + [
            (str(i.pk), i.description) for i in execution.project.items.order_by("position", "pk")
        ]


@body_view(ExecutionAction.RECORD_EXPENSE, Execution)
def expense_new(request, body, execution):
    """The administrative-financial unit records an expense with its receipt."""
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        execution=execution,
        initial={"currency": execution.currency, "spent_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            expenses.record(execution, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The expense is recorded."))
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Record an expense"),
        submit=_("Record the expense"),
        multipart=True,
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is reversed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text=gettext_lazy(
            "An expense is never edited nor deleted: a reversal undoes it, with its reason, for everyone to read."
        ),
    )


@body_view(ExecutionAction.REVERSE_EXPENSE, Execution)
def expense_reverse(request, body, execution, expense):
    """The administrative-financial unit reverses an expense (a correcting entry)."""
    found = get_object_or_404(Expense, pk=expense, execution=execution)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expenses.reverse(found, reason=form.cleaned_data["reason"], by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The expense is reversed."))
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Reverse the expense to %(supplier)s of %(amount)s")
        % {
            "supplier": found.supplier,
            "amount": number_format(found.amount, 2, force_grouping=True),
        },
        submit=_("Reverse it"),
    )


class AuthoriseForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("How much more may be spent"), max_length=30)
    reason = forms.CharField(
        label=gettext_lazy("Why it is needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    assembly = forms.ChoiceField(label=gettext_lazy("The assembly that decides"))

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.assemblies = {str(a.pk): a for a in budgets.schedulable(body)}
        self.fields["assembly"].choices = [
            (pk, f"{a.title} · {timezone.localtime(a.starts_at):%Y-%m-%d %H:%M}")
            for pk, a in self.assemblies.items()
        ]


@body_view(ExecutionAction.AUTHORISE_SPENDING, Execution)
def execution_authorise(request, body, execution):
    """Put spending beyond the allocation to an assembly's decision."""
    form = AuthoriseForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expenses.propose_authorisation(
                execution,
                amount=data["amount"],
                reason=data["reason"],
                assembly=form.assemblies.get(data["assembly"]),
                by=request.user,
            )
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, execution, _("The request is on the assembly's agenda."))
    if not form.assemblies:
        form.add_error(
            None,
            _(
                "No assembly can take it now: convene one first (its agenda must still be open to amendments)."
            ),
        )
    return _form_page(
        request,
        body,
        execution,
        form,
        title=_("Ask the assembly to authorise spending beyond the allocation"),
        submit=_("Put it to the assembly"),
    )


@body_view(BudgetAction.OPEN_EXECUTION, Budget)
def executions_open(request, body, budget):
    """GET: what opening does; POST: every funded project gets its execution."""
    if request.method == "POST":
        try:
            opened = service.open_for(budget, by=request.user)
        except CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s funded project now has its execution.",
                    "%(n)s funded projects now have their execution.",
                    len(opened),
                )
                % {"n": len(opened)}
                if opened
                else _("Every funded project already had its execution."),
            )
        return redirect("budget", slug=body.slug, pk=budget.pk)
    return render(
        request,
        "web/cycles/execution/open.html",
        {
            "body": body,
            "budget": budget,
            "executions": list(budget.executions.select_related("project").order_by("pk")),
        },
    )


class FundsForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=10)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    source = forms.CharField(label=gettext_lazy("From"), max_length=200)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)


@body_view(ComptrollerAction.RECORD_FUNDS)
def funds_new(request, body):
    """The administrative-financial unit records money the body received."""
    form = FundsForm(
        request.POST or None,
        initial={"currency": body.currency, "received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.record_funds(body, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The money received is recorded."))
            return redirect("body", slug=body.slug)
    return render(
        request,
        "web/cycles/execution/funds.html",
        {"body": body, "form": form},
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/projects/<int:pk>/execution/", execution_detail, name="execution"),
    path(
        "b/<slug:slug>/projects/<int:pk>/execution/receipts/<int:expense>/",
        expense_receipt,
        name="expense-receipt",
    ),
    path(
        "b/<slug:slug>/projects/<int:pk>/execution/photos/<int:update>/",
        progress_photo,
        name="progress-photo",
    ),
    path("b/<slug:slug>/executions/<int:pk>/milestones/new/", milestone_new, name="milestone-new"),
    path(
        "b/<slug:slug>/executions/<int:pk>/milestones/<int:milestone>/done/",
        milestone_done,
        name="milestone-done",
    ),
    path("b/<slug:slug>/executions/<int:pk>/status/", execution_status, name="execution-status"),
    path("b/<slug:slug>/executions/<int:pk>/updates/new/", update_new, name="progress-new"),
    path("b/<slug:slug>/executions/<int:pk>/expenses/new/", expense_new, name="expense-new"),
    path(
        "b/<slug:slug>/executions/<int:pk>/expenses/<int:expense>/reverse/",
        expense_reverse,
        name="expense-reverse",
    ),
    path(
        "b/<slug:slug>/executions/<int:pk>/authorise/",
        execution_authorise,
        name="execution-authorise",
    ),
    path("b/<slug:slug>/budgets/<int:pk>/execution/", executions_open, name="executions-open"),
    path("b/<slug:slug>/funds/new/", funds_new, name="funds-new"),
]
