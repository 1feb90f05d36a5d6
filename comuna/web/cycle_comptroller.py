"""Pages of social comptrollership (issue 14): the body's comptroller page (inspections,
findings, complaints), opening and closing an inspection, filing a finding with evidence
uploads, a finding's page (its deadline, evidence downloads, answer, recall), answering,
closing and starting a recall on it, filing a complaint (optionally anonymous), a complaint's
page and its answer. Thin views over comuna.cycles.comptroller.

Who reads what. The pages are public when the statute's ``cycle_public`` says so (the
default), members only otherwise (``comuna.cycles.visibility``), like the rest of the cycle.
A reader sees what the public ledger records: inspections, findings with their evidence and
answers, complaints' subjects, texts and answers. Who filed a complaint: the comptroller unit
sees it always, anonymous complaints included; the body's members see it for a complaint that
is not anonymous; nobody else (a visitor, a member of another body) ever does. Evidence files
are served to whoever may read the finding, with their own content type and ``nosniff``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles import comptroller as service
from comuna.cycles import files, visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    Complaint,
    Evidence,
    Execution,
    Finding,
    FindingStatus,
    Inspection,
)
from comuna.cycles.rules import ComptrollerAction
from comuna.territory.models import Body, Mandate, Organ, OrganKind, Resident
from comuna.territory.permissions import can, roles
from comuna.web.access import body_view, public
from comuna.web.cycle_pages import url_or_none
from comuna.web.refusals import form_status, put_refusal

PER_PAGE = 30


def _readable_body(request, slug) -> tuple[Body, Any]:
    body = get_object_or_404(Body, slug=slug)
    return body, visibility.refused(request, body)


def _execution_url(body: Body, execution: Execution | None) -> str | None:
    """The project's execution page (addressed by the project's id)."""
    if execution is None:
        return None
    return url_or_none("execution", slug=body.slug, pk=execution.project_id)


def _executions(body: Body):
    return Execution.objects.filter(budget__body=body).select_related("project").order_by("pk")


class ExecutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.project)


# --- the comptroller page ---------------------------------------------------------------------


def _with_overdue(items, today):
    found = list(items)
    for item in found:
        item.overdue = service.is_overdue(item, today)
    return found


@public
def comptroller(request, slug):
    """The body's social comptrollership: its inspections, findings (overdue ones flagged) and
    complaints; the comptroller unit also sees who filed every complaint."""
    body, refused = _readable_body(request, slug)
    if refused is not None:
        return refused
    today = timezone.localdate()
    sees_all = service.sees_all(request.user, body)
    member = bool(roles(request.user, body))
    open_first = Case(
        When(status="open", then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    findings = (
        Finding.objects.filter(inspection__body=body)
        .select_related("organ", "inspection")
        .annotate(open_first=open_first)
        .order_by("open_first", "due_on", "-pk")
    )
    complaints = (
        Complaint.objects.filter(body=body)
        .select_related("filed_by")
        .annotate(open_first=open_first)
        .order_by("open_first", "due_on", "-pk")
    )
    finding_page = Paginator(findings, PER_PAGE).get_page(request.GET.get("findings"))
    complaint_page = Paginator(complaints, PER_PAGE).get_page(request.GET.get("complaints"))
    shown = _with_overdue(complaint_page, today)
    for complaint in shown:
        visible = sees_all or (member and not complaint.anonymous)
        complaint.complainant = complaint.filed_by if visible else None
    return render(
        request,
        "web/cycles/comptroller/comptroller.html",
        {
            "body": body,
            "sees_all": sees_all,
            "inspections": Inspection.objects.filter(body=body)
            .annotate(n_findings=Count("findings"))
            .order_by("-opened_at", "-pk"),
            "findings": _with_overdue(finding_page, today),
            "finding_page": finding_page,
            "complaints": shown,
            "complaint_page": complaint_page,
            "can_inspect": can(request.user, ComptrollerAction.INSPECT, body),
            "can_complain": can(request.user, ComptrollerAction.FILE_COMPLAINT, body),
            "answer_days": body.current_statute().finding_answer_days,
            "complaint_days": body.current_statute().complaint_answer_days,
        },
    )


# --- inspections --------------------------------------------------------------------------------


class InspectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    scope = forms.CharField(
        label=gettext_lazy("What is inspected"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Which project, accounts, works or services, and what is checked."),
    )
    execution = ExecutionChoice(
        label=gettext_lazy("Project under execution"),
        queryset=Execution.objects.none(),
        required=False,
        empty_label=gettext_lazy("— the whole body —"),
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["execution"].queryset = _executions(body)


@body_view(ComptrollerAction.INSPECT)
def inspection_new(request, body):
    form = InspectionForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = service.open_inspection(body, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The inspection is open."))
            return redirect("inspection", slug=body.slug, pk=inspection.pk)
    return render(
        request,
        "web/cycles/comptroller/inspection_new.html",
        {"body": body, "form": form},
        status=form_status(request),
    )


@public
def inspection_page(request, slug, pk):
    body, refused = _readable_body(request, slug)
    if refused is not None:
        return refused
    inspection = get_object_or_404(
        Inspection.objects.select_related("execution__project"), pk=pk, body=body
    )
    today = timezone.localdate()
    can_inspect = can(request.user, ComptrollerAction.INSPECT, body)
    return render(
        request,
        "web/cycles/comptroller/inspection.html",
        {
            "body": body,
            "inspection": inspection,
            "findings": _with_overdue(
                inspection.findings.select_related("organ").order_by("filed_at", "pk"), today
            ),
            "execution_url": _execution_url(body, inspection.execution),
            "can_file": can_inspect and inspection.closed_at is None,
            "can_close": can_inspect and inspection.closed_at is None,
        },
    )


class ConfirmForm(forms.Form):
    pass


@body_view(ComptrollerAction.INSPECT)
def inspection_close(request, body, pk):
    inspection = get_object_or_404(Inspection, pk=pk, body=body)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.close_inspection(inspection, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The inspection is closed."))
            return redirect("inspection", slug=body.slug, pk=inspection.pk)
    return render(
        request,
        "web/cycles/comptroller/inspection_close.html",
        {"body": body, "inspection": inspection, "form": form},
        status=form_status(request),
    )


# --- findings -----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the service checks each by its content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(upload, initial) for upload in uploads if upload]


class OrganChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class FindingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("What was found"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What was found, and what the organ should do about it."),
    )
    organ = OrganChoice(
        label=gettext_lazy("Who must answer"),
        queryset=Organ.objects.none(),
        help_text=gettext_lazy("One of the body's organs; its spokespersons answer."),
    )
    evidence = MultipleFileField(
        label=gettext_lazy("Evidence"),
        required=False,
        help_text=gettext_lazy(
            "PDF files or pictures (JPEG, PNG, GIF, WebP), at most 5 MB each and 10 in all. "
            "They are published with the finding, with their SHA-256 in the ledger."
        ),
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = (
            Organ.objects.filter(body=body)
            .exclude(kind=OrganKind.ASSEMBLY)
            .order_by("position", "pk")
        )


@body_view(ComptrollerAction.INSPECT)
def finding_new(request, body, pk):
    inspection = get_object_or_404(Inspection, pk=pk, body=body)
    form = FindingForm(request.POST or None, request.FILES or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            finding = service.file_finding(inspection, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The finding is filed; its answer is due on %(day)s.")
                % {"day": date_format(finding.due_on)},
            )
            return redirect("finding", slug=body.slug, pk=finding.pk)
    return render(
        request,
        "web/cycles/comptroller/finding_new.html",
        {
            "body": body,
            "inspection": inspection,
            "form": form,
            "answer_days": body.current_statute().finding_answer_days,
        },
        status=form_status(request),
    )


def _finding_in(body: Body, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.select_related("inspection", "organ", "recall__mandate__resident"),
        pk=pk,
        inspection__body=body,
    )


def _answerer(finding: Finding) -> Resident | None:
    if finding.answered_by_id is None:
        return None
    return Resident.objects.filter(user_id=finding.answered_by_id).first()


@public
def finding_page(request, slug, pk):
    body, refused = _readable_body(request, slug)
    if refused is not None:
        return refused
    finding = _finding_in(body, pk)
    is_open = finding.status == FindingStatus.OPEN
    user = request.user
    may_answer = (
        is_open
        and can(user, ComptrollerAction.ANSWER_FINDING, finding)
        and service.answering_mandate(finding, user) is not None
    )
    return render(
        request,
        "web/cycles/comptroller/finding.html",
        {
            "body": body,
            "finding": finding,
            "inspection": finding.inspection,
            "overdue": service.is_overdue(finding),
            "evidence": finding.evidence.order_by("pk"),
            "answerer": _answerer(finding),
            "can_answer": may_answer,
            "can_close": can(user, ComptrollerAction.CLOSE_FINDING, finding),
            "can_recall": finding.recall_id is None
            and can(user, ComptrollerAction.RECALL_ON_FINDING, finding),
        },
    )


@public
def evidence_file(request, slug, pk):
    """An evidence file, to whoever may read its finding: its own content type, never sniffed,
    downloaded under its name."""
    body, refused = _readable_body(request, slug)
    if refused is not None:
        return refused
    evidence = get_object_or_404(Evidence, pk=pk, finding__inspection__body=body)
    return files.served(evidence.file, evidence.file_type, download_as=evidence.name)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


@body_view(ComptrollerAction.ANSWER_FINDING, Finding)
def finding_answer(request, body, finding):
    finding = _finding_in(body, finding.pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.answer_finding(finding, answer=form.cleaned_data["answer"], by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The answer is published."))
            return redirect("finding", slug=body.slug, pk=finding.pk)
    return render(
        request,
        "web/cycles/comptroller/finding_answer.html",
        {
            "body": body,
            "finding": finding,
            "form": form,
            "speaks_for_organ": service.answering_mandate(finding, request.user) is not None,
        },
        status=form_status(request),
    )


@body_view(ComptrollerAction.CLOSE_FINDING, Finding)
def finding_close(request, body, finding):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.close_finding(finding, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The finding is closed."))
            return redirect("finding", slug=body.slug, pk=finding.pk)
    return render(
        request,
        "web/cycles/comptroller/finding_close.html",
        {"body": body, "finding": finding, "form": form},
        status=form_status(request),
    )


class MandateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.resident)


class RecallForm(forms.Form):
    mandate = MandateChoice(label=gettext_lazy("Spokesperson"), queryset=Mandate.objects.none())
    grounds = forms.CharField(
        label=gettext_lazy("Grounds"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Why, on what this finding shows. Public, in the recall."),
    )

    def __init__(self, *args, finding: Finding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = service.spokespersons_in(finding.organ)


@body_view(ComptrollerAction.RECALL_ON_FINDING, Finding)
def finding_recall(request, body, finding):
    finding = _finding_in(body, finding.pk)
    form = RecallForm(request.POST or None, finding=finding)
    if request.method == "POST" and form.is_valid():
        try:
            started = service.recall_on_finding(finding, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The recall is started; your report is due on %(day)s.")
                % {"day": date_format(started.report_due)},
            )
            return redirect("finding", slug=body.slug, pk=finding.pk)
    return render(
        request,
        "web/cycles/comptroller/finding_recall.html",
        {
            "body": body,
            "finding": finding,
            "form": form,
            "report_days": body.current_statute().recall_report_days,
        },
        status=form_status(request),
    )


# --- complaints ---------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Complaint"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What happened, where and when. The text is public."),
    )
    execution = ExecutionChoice(
        label=gettext_lazy("About the project"),
        queryset=Execution.objects.none(),
        required=False,
        empty_label=gettext_lazy("— none in particular —"),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous to everyone but the comptroller unit"),
        required=False,
        help_text=gettext_lazy(
            "Only the comptroller unit will know you filed it: no page, no download and no "
            "ledger entry names you."
        ),
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["execution"].queryset = _executions(body)


def _own_resident(request) -> Resident | None:
    if not request.user.is_authenticated:
        return None
    return Resident.objects.filter(user_id=request.user.pk).first()


@body_view(ComptrollerAction.FILE_COMPLAINT)
def complaint_new(request, body):
    form = ComplaintForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = service.file_complaint(
                body, resident=_own_resident(request), by=request.user, **form.cleaned_data
            )
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Your complaint is filed; the comptroller unit answers by %(day)s.")
                % {"day": date_format(complaint.due_on)},
            )
            return redirect("complaint", slug=body.slug, pk=complaint.pk)
    return render(
        request,
        "web/cycles/comptroller/complaint_new.html",
        {
            "body": body,
            "form": form,
            "answer_days": body.current_statute().complaint_answer_days,
        },
        status=form_status(request),
    )


@public
def complaint_page(request, slug, pk):
    body, refused = _readable_body(request, slug)
    if refused is not None:
        return refused
    complaint = get_object_or_404(
        Complaint.objects.select_related("body", "filed_by", "execution__project"),
        pk=pk,
        body=body,
    )
    own = _own_resident(request)
    return render(
        request,
        "web/cycles/comptroller/complaint.html",
        {
            "body": body,
            "complaint": complaint,
            "complainant": service.complainant_shown(request.user, complaint),
            # the complainant themself is told their anonymity holds (nobody else is told who)
            "own": own is not None and own.pk == complaint.filed_by_id,
            "sees_all": service.sees_all(request.user, body),
            "overdue": service.is_overdue(complaint),
            "execution_url": _execution_url(body, complaint.execution),
            "can_answer": can(request.user, ComptrollerAction.ANSWER_COMPLAINT, complaint),
        },
    )


@body_view(ComptrollerAction.ANSWER_COMPLAINT, Complaint)
def complaint_answer(request, body, complaint):
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.answer_complaint(complaint, answer=form.cleaned_data["answer"], by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The answer is published."))
            return redirect("complaint", slug=body.slug, pk=complaint.pk)
    return render(
        request,
        "web/cycles/comptroller/complaint_answer.html",
        {
            "body": body,
            "complaint": complaint,
            "complainant": complaint.filed_by,  # the comptroller unit sees who filed it
            "form": form,
        },
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/comptroller/", comptroller, name="comptroller"),
    path("b/<slug:slug>/comptroller/inspections/new/", inspection_new, name="inspection-new"),
    path("b/<slug:slug>/inspections/<int:pk>/", inspection_page, name="inspection"),
    path("b/<slug:slug>/inspections/<int:pk>/close/", inspection_close, name="inspection-close"),
    path("b/<slug:slug>/inspections/<int:pk>/findings/new/", finding_new, name="finding-new"),
    path("b/<slug:slug>/findings/<int:pk>/", finding_page, name="finding"),
    path("b/<slug:slug>/findings/<int:pk>/answer/", finding_answer, name="finding-answer"),
    path("b/<slug:slug>/findings/<int:pk>/close/", finding_close, name="finding-close"),
    path("b/<slug:slug>/findings/<int:pk>/recall/", finding_recall, name="finding-recall"),
    path("b/<slug:slug>/evidence/<int:pk>/", evidence_file, name="evidence"),
    path("b/<slug:slug>/comptroller/complaints/new/", complaint_new, name="complaint-new"),
    path("b/<slug:slug>/complaints/<int:pk>/", complaint_page, name="complaint"),
    path("b/<slug:slug>/complaints/<int:pk>/answer/", complaint_answer, name="complaint-answer"),
]
