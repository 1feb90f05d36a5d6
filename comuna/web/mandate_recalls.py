"""Recall pages: thin views over comuna.mandates.recall. The list and a recall's page are public
(a spokesperson answers to the base); starting, signing, paper sheets, the report and the vote
are body pages guarded by ``RecallAction``. The decision itself is the assemblies' motion pages.

``spokesperson_panel`` is what the spokesperson's page (mandate_accounting) shows of recalls.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comuna.assemblies.models import Status
from comuna.mandates import recall
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Recall, RecallOrigin, RecallStatus
from comuna.mandates.rules import RecallAction
from comuna.territory.models import Body, Mandate, MandateKind, Resident
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status

# --- forms ----------------------------------------------------------------------------------


class StartForm(forms.Form):
    mandate = forms.TypedChoiceField(label=gettext_lazy("Spokesperson"), coerce=int)
    grounds = forms.CharField(
        label=gettext_lazy("Grounds"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=recall.GROUNDS_MAX,
        help_text=gettext_lazy("Why the spokesperson should be recalled: facts, not insults."),
    )

    def __init__(self, *args, mandates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].choices = [(m.pk, f"{m.resident} · {m.organ}") for m in mandates]


class PaperForm(forms.Form):
    documents = forms.CharField(
        label=gettext_lazy("Identity documents, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        help_text=gettext_lazy("As written on the signed paper sheet, e.g. V-12345678."),
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("The comptroller unit's report"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ChooseAssemblyForm(forms.Form):
    assembly = forms.TypedChoiceField(label=gettext_lazy("Assembly"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].choices = choices


def _refused(form, exc: MandateError) -> None:
    form.add_error(None, str(exc))


def _spokespersons(body) -> list[Mandate]:
    """The body's spokespersons in office today: the mandates a recall may name."""
    return list(
        Mandate.objects.active()
        .filter(body=body, kind=MandateKind.SPOKESPERSON, organ__isnull=False)
        .select_related("resident", "organ")
        .order_by("organ__position", "organ__name", "pk")
    )


# --- the public pages -------------------------------------------------------------------------


@public
def recall_list(request, slug):
    body = get_object_or_404(Body, slug=slug)
    recalls = list(
        Recall.objects.filter(body=body)
        .select_related("mandate__resident", "mandate__organ")
        .prefetch_related("signatures")
    )
    today = timezone.localdate()
    rows = [{"recall": r, "count": len(r.signatures.all()), **_dues(r, today)} for r in recalls]
    return render(
        request,
        "web/mandates/recalls.html",
        {
            "body": body,
            "open": [r for r in rows if r["recall"].status in recall.OPEN],
            "closed": [r for r in rows if r["recall"].status not in recall.OPEN],
            "pct": body.current_statute().recall_initiative_pct,
            "can_start": can(request.user, RecallAction.START, body),
            "can_initiate": can(request.user, RecallAction.INITIATE, body),
        },
    )


def _dues(r: Recall, today) -> dict:
    """Each deadline of the recall with whether it is overdue today."""
    report_overdue = r.status == RecallStatus.REPORT and r.report_due and today > r.report_due
    vote_overdue = r.status == RecallStatus.VOTE and r.vote_due and today > r.vote_due
    return {
        "report_overdue": bool(report_overdue),
        "vote_overdue": bool(vote_overdue),
        "late": recall.is_late(r),
    }


def _context(request, body, r: Recall, **extra) -> dict:
    resident = Resident.objects.filter(user_id=request.user.pk).first()
    count = r.signatures.count()
    item = r.item
    motion = r.motion
    return {
        "body": body,
        "recall": r,
        "count": count,
        "missing": max(r.threshold - count, 0),
        "petition": r.origin == RecallOrigin.PETITION,
        "signed": resident is not None and r.signatures.filter(resident=resident).exists(),
        "can_sign": can(request.user, RecallAction.SIGN, r),
        "can_enter": can(request.user, RecallAction.ENTER_SIGNATURES, r),
        "can_report": can(request.user, RecallAction.REPORT, r),
        "can_schedule": can(request.user, RecallAction.PUT_TO_VOTE, r),
        "item": item,
        "motion": motion,
        **_dues(r, timezone.localdate()),
        **extra,
    }


@public
def recall_detail(request, slug, pk):
    r = get_object_or_404(
        Recall.objects.select_related(
            "body",
            "mandate__resident",
            "mandate__organ",
            "statute",
            "item__assembly",
            "motion",
            "successor__resident",
            "election",
        ),
        pk=pk,
        body__slug=slug,
    )
    return render(request, "web/mandates/recall.html", _context(request, r.body, r))


# --- starting ----------------------------------------------------------------------------------


def _start_page(request, body, *, initiate: bool):
    mandates = _spokespersons(body)
    initial = {"mandate": request.GET.get("mandate")}
    form = StartForm(request.POST or None, initial=initial, mandates=mandates)
    if request.method == "POST" and form.is_valid():
        mandate = next(m for m in mandates if m.pk == form.cleaned_data["mandate"])
        service = recall.initiate if initiate else recall.start
        try:
            made = service(mandate, grounds=form.cleaned_data["grounds"], by=request.user)
        except MandateError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("The comptroller unit's recall is started: its report is due next.")
                if initiate
                else _("The recall petition is started, with your signature."),
            )
            return redirect("recall", slug=body.slug, pk=made.pk)
    return render(
        request,
        "web/mandates/recall_new.html",
        {"body": body, "form": form, "initiate": initiate},
        status=form_status(request),
    )


@body_view(RecallAction.START)
def recall_new(request, body):
    return _start_page(request, body, initiate=False)


@body_view(RecallAction.INITIATE)
def recall_initiate(request, body):
    return _start_page(request, body, initiate=True)


# --- signatures ----------------------------------------------------------------------------------


@body_view(RecallAction.SIGN, Recall)
@require_POST
def recall_sign(request, body, r):
    try:
        recall.sign(r, by=request.user)
    except MandateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your signature is counted."))
    return redirect("recall", slug=body.slug, pk=r.pk)


@body_view(RecallAction.ENTER_SIGNATURES, Recall)
def recall_paper(request, body, r):
    form = PaperForm(request.POST or None)
    lines = None
    if request.method == "POST" and form.is_valid():
        try:
            lines = recall.enter_paper_signatures(
                r, form.cleaned_data["documents"].splitlines(), by=request.user
            )
        except MandateError as exc:
            _refused(form, exc)
        else:
            r.refresh_from_db()
            form = PaperForm()
    context = _context(request, body, r, form=form, lines=lines)
    if lines is not None:
        context["counted"] = sum(1 for line in lines if line.outcome == "counted")
    return render(
        request,
        "web/mandates/recall_paper.html",
        context,
        status=400 if form.errors else 200,
    )


# --- the report and the vote -------------------------------------------------------------------


@body_view(RecallAction.REPORT, Recall)
def recall_report(request, body, r):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recall.report(r, text=form.cleaned_data["text"], by=request.user)
        except MandateError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The report is filed: the recall goes to the assembly."))
            return redirect("recall", slug=body.slug, pk=r.pk)
    return render(
        request,
        "web/mandates/recall_report.html",
        _context(request, body, r, form=form),
        status=400 if form.errors else 200,
    )


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@body_view(RecallAction.PUT_TO_VOTE, Recall)
def recall_put_to_vote(request, body, r):
    assemblies = recall.schedulable(body)
    in_session = _("in session")
    choices = [
        (a.pk, f"{a.title} · {in_session if a.status == Status.IN_SESSION else _when(a.starts_at)}")
        for a in assemblies
    ]
    form = ChooseAssemblyForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        assembly = next(a for a in assemblies if a.pk == form.cleaned_data["assembly"])
        try:
            item = recall.put_to_vote(r, assembly, by=request.user)
        except MandateError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The recall vote is on the assembly's agenda."))
            return redirect("assembly", slug=body.slug, pk=item.assembly_id)
    return render(
        request,
        "web/mandates/recall_put_to_vote.html",
        _context(request, body, r, form=form, assemblies=assemblies),
        status=400 if form.errors else 200,
    )


# --- the spokesperson's page ------------------------------------------------------------------


def spokesperson_panel(request, body, mandate) -> dict:
    """What the recall part adds to a spokesperson's page (mandate_accounting merges it): any
    open recall of the mandate with its deadlines (overdue ones in red), and for residents a
    link to start one."""
    today = timezone.localdate()
    open_recall = (
        Recall.objects.filter(mandate=mandate, status__in=recall.OPEN)
        .select_related("mandate__resident", "body")
        .first()
    )
    dues = [
        {"due": d, "overdue": d.overdue(today)}
        for d in (recall.dues_of(open_recall) if open_recall else [])
    ]
    return {
        "recall_panel": {
            "body": body,
            "mandate": mandate,
            "recall": open_recall,
            "count": open_recall.signatures.count() if open_recall else 0,
            "deadlines": dues,
            "can_start": open_recall is None
            and mandate.is_active(today)
            and mandate.kind == MandateKind.SPOKESPERSON
            and can(request.user, RecallAction.START, body),
            "past": Recall.objects.filter(mandate=mandate).exclude(status__in=recall.OPEN).count(),
        }
    }


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/recalls/", recall_list, name="recalls"),
    path("b/<slug:slug>/recalls/new/", recall_new, name="recall-new"),
    path("b/<slug:slug>/recalls/initiate/", recall_initiate, name="recall-initiate"),
    path("b/<slug:slug>/recalls/<int:pk>/", recall_detail, name="recall"),
    path("b/<slug:slug>/recalls/<int:pk>/sign/", recall_sign, name="recall-sign"),
    path("b/<slug:slug>/recalls/<int:pk>/paper/", recall_paper, name="recall-paper"),
    path("b/<slug:slug>/recalls/<int:pk>/report/", recall_report, name="recall-report"),
    path("b/<slug:slug>/recalls/<int:pk>/vote/", recall_put_to_vote, name="recall-put-to-vote"),
]
