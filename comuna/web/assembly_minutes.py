"""Assembly pages: the minutes part. Thin views over comuna.assemblies.minutes; their URLs are in
``urlpatterns`` (included by comuna/web/urls.py).

The secretariat drafts the minutes and opens them to corrections, and accepts or rejects each
correction; attendees propose corrections; the electoral commission puts their approval to an
assembly in session. Sealed minutes are public (HTML and PDF, the same bytes as the API's);
a draft is downloaded by members only, marked as a draft.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies import minutes as service
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    Assembly,
    Correction,
    CorrectionStatus,
    Minutes,
    MinutesStatus,
)
from comuna.assemblies.rules import AssemblyAction
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.web.access import body_view, public


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Account of the session"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=service.MAX_TEXT,
        help_text=gettext_lazy(
            "What was said and agreed. The agenda, the attendance and the decisions are added "
            "from the record."
        ),
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your correction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=service.MAX_CORRECTION,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Accept, with the minutes' text corrected below")),
            ("reject", gettext_lazy("Reject, saying why")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("The minutes' text, corrected"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=service.MAX_TEXT,
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=service.MAX_REASON, required=False
    )


class ApprovalForm(forms.Form):
    minutes = forms.TypedChoiceField(label=gettext_lazy("Minutes to approve"), coerce=int)
    votes_for = forms.IntegerField(label=gettext_lazy("For"), min_value=0, max_value=1_000_000)
    votes_against = forms.IntegerField(
        label=gettext_lazy("Against"), min_value=0, max_value=1_000_000
    )
    abstentions = forms.IntegerField(
        label=gettext_lazy("Abstaining"), min_value=0, max_value=1_000_000
    )

    def __init__(self, *args, awaiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].choices = [(m.pk, service.approval_item_text(m)) for m in awaiting]


def _errors(form: forms.Form, exc: AssemblyError) -> None:
    """A refusal's reasons on the form, each field's under that field."""
    found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, errors in found.items():
        form.add_error(field if field in form.fields else None, errors)


def _minutes_of(assembly: Assembly) -> Minutes | None:
    return Minutes.objects.filter(assembly=assembly).first()


def _assembly_url(body: Body, assembly: Assembly) -> str | None:
    """The assembly's own page (the convening part's), when there is one."""
    try:
        return reverse("assembly", kwargs={"slug": body.slug, "pk": assembly.pk})
    except NoReverseMatch:
        return None


def panel(request, body, assembly) -> dict:
    """What web/assemblies/_minutes.html needs on the assembly's page (the detail view of
    assembly_convening merges every part's panel into its context)."""
    minutes = _minutes_of(assembly)
    user = request.user
    return {
        "minutes": minutes,
        "minutes_corrections": list(minutes.corrections.all()) if minutes else [],
        "minutes_can_draft": can(user, AssemblyAction.DRAFT_MINUTES, assembly)
        and (minutes is None or minutes.status != MinutesStatus.SEALED),
        "minutes_can_correct": minutes is not None
        and can(user, AssemblyAction.CORRECT_MINUTES, assembly)
        and service.accepting_corrections(minutes)
        and service.attendee(minutes, user) is not None,
        "minutes_accepting": minutes is not None and service.accepting_corrections(minutes),
        "minutes_can_approve": can(user, AssemblyAction.APPROVE_MINUTES, assembly),
        "minutes_assembly_url": _assembly_url(body, assembly),
    }


def _page(request, body, assembly, template, status=200, **extra):
    context = {"body": body, "assembly": assembly, **panel(request, body, assembly), **extra}
    return render(request, template, context, status=status)


@body_view(AssemblyAction.DRAFT_MINUTES, Assembly)
def minutes_edit(request, body, assembly):
    minutes = _minutes_of(assembly)
    form = TextForm(request.POST or None, initial={"text": minutes.text if minutes else ""})
    if request.method == "POST" and form.is_valid():
        try:
            service.draft(assembly, text=form.cleaned_data["text"], by=request.user)
        except AssemblyError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("assembly-minutes", slug=body.slug, pk=assembly.pk)
    status = 400 if form.errors else 200
    return _page(request, body, assembly, "web/assemblies/minutes.html", status, form=form)


@body_view(AssemblyAction.DRAFT_MINUTES, Assembly)
def minutes_open(request, body, assembly):
    """GET: what opening to corrections does; POST: open them."""
    minutes = _minutes_of(assembly)
    if request.method == "POST":
        try:
            if minutes is None:
                raise AssemblyError(_("Draft the minutes first."))
            minutes = service.open_corrections(minutes, by=request.user)
        except AssemblyError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The minutes are open for corrections by the attendees until %(until)s.")
                % {"until": service.when(minutes.corrections_until)},
            )
        return redirect("assembly-minutes", slug=body.slug, pk=assembly.pk)
    days = assembly.statute.minutes_correction_days
    return _page(request, body, assembly, "web/assemblies/minutes_open.html", days=days)


@body_view(AssemblyAction.CORRECT_MINUTES, Assembly)
def minutes_corrections(request, body, assembly):
    """The corrections proposed, and an attendee's form to propose one."""
    minutes = _minutes_of(assembly)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if minutes is None:
                raise AssemblyError(_("These minutes are not open for corrections."))
            service.propose_correction(minutes, text=form.cleaned_data["text"], by=request.user)
        except AssemblyError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request, _("Your correction was sent to the secretariat, who will decide on it.")
            )
            return redirect("assembly-minutes-corrections", slug=body.slug, pk=assembly.pk)
    status = 400 if form.errors else 200
    return _page(
        request, body, assembly, "web/assemblies/minutes_corrections.html", status, form=form
    )


@body_view(AssemblyAction.DRAFT_MINUTES, Assembly)
def minutes_correction(request, body, assembly, correction):
    """The secretariat accepts a correction (editing the text) or rejects it (with a reason)."""
    correction = get_object_or_404(
        Correction.objects.select_related("minutes"), pk=correction, minutes__assembly=assembly
    )
    form = DecisionForm(request.POST or None, initial={"text": correction.minutes.text})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.decide_correction(
                correction,
                accept=data["decision"] == "accept",
                text=data["text"],
                reason=data["reason"],
                by=request.user,
            )
        except AssemblyError as exc:
            _errors(form, exc)
        else:
            done = (
                _("The correction was accepted and the minutes' text corrected.")
                if data["decision"] == "accept"
                else _("The correction was rejected.")
            )
            messages.success(request, done)
            return redirect("assembly-minutes", slug=body.slug, pk=assembly.pk)
    return _page(
        request,
        body,
        assembly,
        "web/assemblies/minutes_correction.html",
        400 if form.errors else 200,
        form=form,
        correction=correction,
        proposed=correction.status == CorrectionStatus.PROPOSED,
    )


@body_view(AssemblyAction.APPROVE_MINUTES, Assembly)
def minutes_approve(request, body, assembly):
    """In an assembly in session: put to a show of hands the approval of its own minutes or of
    an earlier assembly's."""
    awaiting = list(service.awaiting_approval(assembly))
    form = ApprovalForm(request.POST or None, awaiting=awaiting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(m for m in awaiting if m.pk == data["minutes"])
        try:
            minutes = service.approve(
                chosen,
                in_assembly=assembly,
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                abstentions=data["abstentions"],
                by=request.user,
            )
        except AssemblyError as exc:
            _errors(form, exc)
        else:
            if minutes.status == MinutesStatus.SEALED:
                messages.success(
                    request,
                    _("The minutes were approved and sealed. SHA-256: %(hash)s")
                    % {"hash": minutes.sha256},
                )
                return redirect("assembly-minutes", slug=body.slug, pk=minutes.assembly_id)
            messages.warning(
                request, _("The approval was rejected: the minutes stay open to changes.")
            )
            return redirect("assembly-minutes-approve", slug=body.slug, pk=assembly.pk)
    return _page(
        request,
        body,
        assembly,
        "web/assemblies/minutes_approve.html",
        400 if form.errors else 200,
        form=form,
        awaiting=awaiting,
    )


# --- downloads: sealed minutes are public, a draft is for members --------------------------


def _downloadable(request, slug: str, pk: int) -> Minutes:
    """The minutes of assembly ``pk`` of body ``slug``: sealed, for anyone; a draft, for those
    who may see the assembly; else 404, as for minutes that do not exist."""
    assembly = rows.with_body(Assembly, pk, slug, Body)
    if assembly is None:
        raise Http404
    minutes = _minutes_of(assembly)
    if minutes is None:
        raise Http404
    if minutes.status != MinutesStatus.SEALED and not can(
        request.user, AssemblyAction.VIEW, assembly
    ):
        raise Http404
    minutes.assembly = assembly
    return minutes


def download(minutes: Minutes, content: bytes, kind: str, extension: str) -> HttpResponse:
    """The minutes as a file to keep (the web pages and the API serve the same response)."""
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{service.file_name(minutes, extension)}"'
    )
    if minutes.status != MinutesStatus.SEALED:
        response["Cache-Control"] = "private, no-cache"
    return response


@public
def minutes_html(request, slug, pk):
    minutes = _downloadable(request, slug, pk)
    content = service.html_download(minutes).encode("utf-8")
    return download(minutes, content, "text/html; charset=utf-8", "html")


@public
def minutes_pdf(request, slug, pk):
    minutes = _downloadable(request, slug, pk)
    return download(minutes, service.pdf_download(minutes), "application/pdf", "pdf")


PREFIX = "b/<slug:slug>/assemblies/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(PREFIX + "minutes/", minutes_edit, name="assembly-minutes"),
    path(PREFIX + "minutes/open/", minutes_open, name="assembly-minutes-open"),
    path(PREFIX + "minutes/corrections/", minutes_corrections, name="assembly-minutes-corrections"),
    path(
        PREFIX + "minutes/corrections/<int:correction>/",
        minutes_correction,
        name="assembly-minutes-correction",
    ),
    path(PREFIX + "minutes/approve/", minutes_approve, name="assembly-minutes-approve"),
    path(PREFIX + "minutes.html", minutes_html, name="assembly-minutes-html"),
    path(PREFIX + "minutes.pdf", minutes_pdf, name="assembly-minutes-pdf"),
]
