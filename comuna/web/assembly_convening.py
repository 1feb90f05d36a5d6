"""Assembly pages: the convening part. Thin views over comuna.assemblies.convening; their URLs are in
``urlpatterns`` (included by comuna/web/urls.py).

The assemblies' list and detail pages are here too: the detail page merges the panels of the
attendance, decisions and minutes parts into its context."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.forms import formset_factory
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comuna.assemblies import convening, notices
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Assembly, Majority, Petition, PetitionStatus, Status
from comuna.assemblies.rules import AssemblyAction, PetitionAction
from comuna.territory.models import Resident
from comuna.territory.permissions import can
from comuna.web import assembly_attendance, assembly_decisions, assembly_minutes
from comuna.web.access import body_view
from comuna.web.refusals import form_status

# --- forms ----------------------------------------------------------------------------------


class AssemblyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    online_url = forms.URLField(
        label=gettext_lazy("Online link (hybrid session)"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Optional: members may also take part online."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def starts_at(self) -> datetime | None:
        day, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or time is None:
            return None
        return timezone.make_aware(datetime.combine(day, time))


class ItemForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Item"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Details"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Decision asked for"),
        choices=Majority.choices,
        initial=Majority.SIMPLE,
    )


ItemFormSet = formset_factory(ItemForm, extra=3)


def _items(formset) -> list[dict]:
    return [
        {k: f.cleaned_data[k] for k in ("text", "description", "majority")}
        for f in formset.forms
        if f.has_changed() and f.cleaned_data
    ]


def _put_errors(exc: AssemblyError, form, formset=None, **others) -> list[str]:
    """Each refused field's reasons under that field; what belongs to no field (or to the
    agenda as a whole) is returned to show above it."""
    loose: list[str] = []
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        target = others.get(field)
        if field == "starts_at" and form is not None and "date" in form.fields:
            form.add_error("date", errors)
        elif form is not None and field in form.fields:
            form.add_error(field, errors)
        elif target is not None:
            target.extend(errors)
        else:
            loose.extend(errors)
    return loose


# --- assemblies -----------------------------------------------------------------------------


@body_view(AssemblyAction.VIEW)
def assembly_list(request, body):
    assemblies = list(body.assemblies.order_by("-starts_at"))
    coming = sorted(
        (a for a in assemblies if a.status in (Status.CONVENED, Status.IN_SESSION)),
        key=lambda a: a.starts_at,
    )
    return render(
        request,
        "web/assemblies/list.html",
        {
            "body": body,
            "coming": coming,
            "past": [a for a in assemblies if a.status == Status.ENDED],
            "failed": [a for a in assemblies if a.status == Status.FAILED],
            "can_convene": can(request.user, AssemblyAction.CONVENE, body),
            "petitions": body.petitions.filter(status=PetitionStatus.COLLECTING).count(),
        },
    )


@body_view(AssemblyAction.CONVENE)
def assembly_new(request, body):
    form = AssemblyForm(request.POST or None)
    formset = ItemFormSet(request.POST or None, prefix="items")
    agenda_errors: list[str] = []
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            assembly = convening.convene(
                body,
                title=form.cleaned_data["title"],
                starts_at=form.starts_at(),
                place=form.cleaned_data["place"],
                online_url=form.cleaned_data["online_url"],
                description=form.cleaned_data["description"],
                items=_items(formset),
                by=request.user,
            )
        except AssemblyError as exc:
            errors = _put_errors(exc, form, items=agenda_errors)
        else:
            messages.success(
                request, _("The assembly is convened; its members are being notified.")
            )
            return redirect("assembly", slug=body.slug, pk=assembly.pk)
    bad = request.method == "POST"
    return render(
        request,
        "web/assemblies/new.html",
        {
            "body": body,
            "form": form,
            "formset": formset,
            "agenda_errors": agenda_errors,
            "errors": errors,
            "notice_days": body.current_statute().assembly_notice_days,
        },
        status=400 if bad else 200,
    )


@body_view(AssemblyAction.VIEW, Assembly)
def assembly_detail(request, body, assembly):
    items = list(assembly.items.select_related("petition").order_by("position", "pk"))
    context = {
        "body": body,
        "assembly": assembly,
        "items": [i for i in items if not i.withdrawn],
        "withdrawn": [i for i in items if i.withdrawn],
        "amendable_until": convening.amendable_until(assembly),
        "amendable": convening.is_amendable(assembly),
        "can_amend": can(request.user, AssemblyAction.AMEND_AGENDA, assembly),
    }
    for part in (assembly_attendance, assembly_decisions, assembly_minutes):
        context.update(part.panel(request, body, assembly))
    return render(request, "web/assemblies/detail.html", context)


class AmendForm(forms.Form):
    withdraw = forms.MultipleChoiceField(
        label=gettext_lazy("Withdraw these items"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Why the agenda is amended"), max_length=300)

    def __init__(self, *args, assembly: Assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdraw"].choices = [
            (str(i.pk), i.text) for i in assembly.items.filter(withdrawn=False)
        ]


AddItemFormSet = formset_factory(ItemForm, extra=2)


@body_view(AssemblyAction.AMEND_AGENDA, Assembly)
def assembly_agenda(request, body, assembly):
    form = AmendForm(request.POST or None, assembly=assembly)
    formset = AddItemFormSet(request.POST or None, prefix="add")
    add_errors: list[str] = []
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            convening.amend_agenda(
                assembly,
                add=_items(formset),
                withdraw=[int(pk) for pk in form.cleaned_data["withdraw"]],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AssemblyError as exc:
            errors = _put_errors(exc, form, add=add_errors)
        else:
            messages.success(request, _("The agenda is amended; its members are being notified."))
            return redirect("assembly", slug=body.slug, pk=assembly.pk)
    return render(
        request,
        "web/assemblies/agenda.html",
        {
            "body": body,
            "assembly": assembly,
            "form": form,
            "formset": formset,
            "add_errors": add_errors,
            "errors": errors,
            "amendable_until": convening.amendable_until(assembly),
            "amendable": convening.is_amendable(assembly),
        },
        status=form_status(request),
    )


@body_view(AssemblyAction.VIEW, Assembly)
def assembly_ics(request, body, assembly):
    response = HttpResponse(notices.ics(assembly), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{body.slug}-assembly-{assembly.pk}.ics"'
    )
    return response


# --- petitions ------------------------------------------------------------------------------


@body_view(PetitionAction.VIEW)
def petition_list(request, body):
    return render(
        request,
        "web/assemblies/petitions.html",
        {
            "body": body,
            "petitions": body.petitions.all(),
            "can_start": can(request.user, PetitionAction.START, body),
            "threshold": body.current_statute().convening_petition_pct,
        },
    )


class PetitionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("What the assembly should decide"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Decision asked for"), choices=Majority.choices, initial=Majority.SIMPLE
    )


@body_view(PetitionAction.START)
def petition_new(request, body):
    form = PetitionForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            petition = convening.start_petition(body, by=request.user, **form.cleaned_data)
        except AssemblyError as exc:
            errors = _put_errors(exc, form)
        else:
            messages.success(request, _("The petition is started, with your signature."))
            return redirect("petition", slug=body.slug, pk=petition.pk)
    return render(
        request,
        "web/assemblies/petition_new.html",
        {"body": body, "form": form, "errors": errors},
        status=form_status(request),
    )


def _petition_context(request, body, petition, **extra) -> dict:
    resident = Resident.objects.filter(user_id=request.user.pk).first()
    count = petition.signatures.count()
    items = petition.items.select_related("assembly")
    return {
        "body": body,
        "petition": petition,
        "count": count,
        "missing": max(petition.threshold - count, 0),
        "signed": resident is not None and petition.signatures.filter(resident=resident).exists(),
        "can_sign": can(request.user, PetitionAction.SIGN, petition),
        "can_enter": can(request.user, PetitionAction.ENTER_SIGNATURES, petition),
        "can_convene": can(request.user, PetitionAction.CONVENE, petition),
        "items": items,
        **extra,
    }


@body_view(PetitionAction.VIEW, Petition)
def petition_detail(request, body, petition):
    return render(
        request, "web/assemblies/petition.html", _petition_context(request, body, petition)
    )


@body_view(PetitionAction.SIGN, Petition)
@require_POST
def petition_sign(request, body, petition):
    try:
        convening.sign_petition(petition, by=request.user)
    except AssemblyError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your signature is counted."))
    return redirect("petition", slug=body.slug, pk=petition.pk)


class PaperForm(forms.Form):
    documents = forms.CharField(
        label=gettext_lazy("Identity documents, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        help_text=gettext_lazy("As written on the signed paper sheet, e.g. V-12345678."),
    )


@body_view(PetitionAction.ENTER_SIGNATURES, Petition)
def petition_paper(request, body, petition):
    form = PaperForm(request.POST or None)
    outcomes = None
    if request.method == "POST" and form.is_valid():
        try:
            outcomes = convening.enter_paper_signatures(
                petition, form.cleaned_data["documents"].splitlines(), by=request.user
            )
        except AssemblyError as exc:
            _put_errors(exc, form)
        else:
            petition.refresh_from_db()
            form = PaperForm()
    context = _petition_context(request, body, petition, form=form, outcomes=outcomes)
    if outcomes is not None:
        context["counted"] = sum(1 for o in outcomes if o.outcome == convening.LineOutcome.COUNTED)
    return render(
        request,
        "web/assemblies/petition_paper.html",
        context,
        status=400 if form.errors else 200,
    )


class ChooseAssemblyForm(forms.Form):
    assembly = forms.TypedChoiceField(label=gettext_lazy("Coming assembly"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].choices = choices


@body_view(PetitionAction.CONVENE, Petition)
def petition_convene(request, body, petition):
    coming = convening.coming_amendable(body)
    choose = ChooseAssemblyForm(
        request.POST if request.POST.get("mode") == "add" else None,
        choices=[(a.pk, f"{a.title} · {_local(a.starts_at)}") for a in coming],
    )
    initial = {"title": petition.title[:200]}
    posted_new = request.method == "POST" and request.POST.get("mode") != "add"
    form = AssemblyForm(request.POST if posted_new else None, initial=initial)
    formset = ItemFormSet(request.POST if posted_new else None, prefix="items")
    agenda_errors: list[str] = []
    errors: list[str] = []
    if request.method == "POST" and not posted_new and choose.is_valid():
        target = next(a for a in coming if a.pk == choose.cleaned_data["assembly"])
        try:
            convening.add_petition_to_agenda(petition, target, by=request.user)
        except AssemblyError as exc:
            errors = _put_errors(exc, choose)
        else:
            messages.success(request, _("The petition's item is on the assembly's agenda."))
            return redirect("assembly", slug=body.slug, pk=target.pk)
    elif posted_new and form.is_valid() & formset.is_valid():
        try:
            assembly = convening.convene_on_petition(
                petition,
                title=form.cleaned_data["title"],
                starts_at=form.starts_at(),
                place=form.cleaned_data["place"],
                online_url=form.cleaned_data["online_url"],
                description=form.cleaned_data["description"],
                items=_items(formset),
                by=request.user,
            )
        except AssemblyError as exc:
            errors = _put_errors(exc, form, items=agenda_errors)
        else:
            messages.success(request, _("The assembly is convened on the petition."))
            return redirect("assembly", slug=body.slug, pk=assembly.pk)
    return render(
        request,
        "web/assemblies/petition_convene.html",
        {
            "body": body,
            "petition": petition,
            "coming": coming,
            "choose": choose,
            "form": form,
            "formset": formset,
            "agenda_errors": agenda_errors,
            "errors": errors,
            "notice_days": body.current_statute().assembly_notice_days,
        },
        status=form_status(request),
    )


def _local(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/assemblies/", assembly_list, name="assemblies"),
    path("b/<slug:slug>/assemblies/new/", assembly_new, name="assembly-new"),
    path("b/<slug:slug>/assemblies/<int:pk>/", assembly_detail, name="assembly"),
    path("b/<slug:slug>/assemblies/<int:pk>/agenda/", assembly_agenda, name="assembly-agenda"),
    path("b/<slug:slug>/assemblies/<int:pk>/assembly.ics", assembly_ics, name="assembly-ics"),
    path("b/<slug:slug>/petitions/", petition_list, name="petitions"),
    path("b/<slug:slug>/petitions/new/", petition_new, name="petition-new"),
    path("b/<slug:slug>/petitions/<int:pk>/", petition_detail, name="petition"),
    path("b/<slug:slug>/petitions/<int:pk>/sign/", petition_sign, name="petition-sign"),
    path("b/<slug:slug>/petitions/<int:pk>/paper/", petition_paper, name="petition-paper"),
    path("b/<slug:slug>/petitions/<int:pk>/convene/", petition_convene, name="petition-convene"),
]
