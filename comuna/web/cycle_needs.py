"""Pages of issue 13's communal cycle (cycle_needs): a cycle's needs with the census's figures
beside them, reporting one (with a photo), one need's page, supporting and withdrawing it, and
the assembly's prioritisation (opening its vote, recording its order). Thin views over
comuna.cycles.needs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles import needs as service
from comuna.cycles import visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import Cycle, Need, NeedCategory, NeedSupport
from comuna.cycles.rules import CycleAction
from comuna.territory.models import Body, Resident
from comuna.territory.permissions import can
from comuna.voting.images import image_format
from comuna.voting.models import Status
from comuna.web.access import body_view, public
from comuna.web.cycle_pages import url_or_none
from comuna.web.refusals import form_status, put_refusal

SORTS = {
    "supports": gettext_lazy("Most supported"),
    "priority": gettext_lazy("The assembly's priority"),
    "recent": gettext_lazy("Most recent"),
}


def _own_resident(request) -> Resident | None:
    if not request.user.is_authenticated:
        return None
    return Resident.objects.filter(user_id=request.user.pk).first()


# --- the list -------------------------------------------------------------------------------


@public
def need_list(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = get_object_or_404(Cycle, pk=pk, body=body)
    category = request.GET.get("category", "")
    if category not in NeedCategory.values:
        category = ""
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = "priority" if cycle.needs.filter(priority__isnull=False).exists() else "supports"
    found = cycle.needs.annotate(n_supports=Count("supports"))
    if category:
        found = found.filter(category=category)
    order = {
        "supports": ["withdrawn", "-n_supports", "reported_at", "pk"],
        "priority": [F("priority").asc(nulls_last=True), "-n_supports", "reported_at", "pk"],
        "recent": ["-reported_at", "-pk"],
    }[sort]
    return render(
        request,
        "web/cycles/needs.html",
        {
            "body": body,
            "cycle": cycle,
            "needs": found.order_by(*order),
            "categories": NeedCategory.choices,
            "category": category,
            "sorts": list(SORTS.items()),
            "sort": sort,
            "census": service.census_figures(body),
            "can_report": can(request.user, CycleAction.REPORT_NEED, cycle),
        },
    )


# --- reporting ------------------------------------------------------------------------------


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=NeedCategory.choices)
    title = forms.CharField(
        label=gettext_lazy("What is needed"),
        max_length=200,
        help_text=gettext_lazy("In a few words, e.g. “No running water in Calle 3”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What is missing, for whom, since when."),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"), required=False, max_digits=9, decimal_places=6
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        help_text=gettext_lazy("A photo or drawing: JPEG, PNG, GIF or WebP, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


@body_view(CycleAction.REPORT_NEED, Cycle)
def need_new(request, body, cycle):
    form = NeedForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        resident = _own_resident(request)
        try:
            if resident is None:
                raise CycleError(_("Only residents in the census report needs."))
            need = service.report(cycle, resident=resident, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The need is reported. Thank you."))
            return redirect("need", slug=body.slug, pk=need.pk)
    return render(
        request,
        "web/cycles/need_new.html",
        {"body": body, "cycle": cycle, "form": form},
        status=form_status(request),
    )


# --- one need -------------------------------------------------------------------------------


@public
def need_page(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    need = get_object_or_404(
        Need.objects.select_related("cycle").annotate(n_supports=Count("supports")),
        pk=pk,
        cycle__body=body,
    )
    resident = _own_resident(request)
    supported = (
        resident is not None and NeedSupport.objects.filter(need=need, resident=resident).exists()
    )
    own = resident is not None and need.reported_by_id == resident.pk
    # the plan part's projects answering the need, once it exists
    projects = list(need.projects.all()) if url_or_none("project", slug=slug, pk=1) else []
    return render(
        request,
        "web/cycles/need.html",
        {
            "body": body,
            "cycle": need.cycle,
            "need": need,
            "supported": supported,
            "can_support": not need.withdrawn
            and not supported
            and can(request.user, CycleAction.SUPPORT_NEED, need),
            "can_withdraw": own
            and not need.withdrawn
            and can(request.user, CycleAction.WITHDRAW_NEED, need),
            "projects": projects,
        },
    )


@public
def need_photo(request, slug, pk):
    """A need's photo, to those who may read the body's needs."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    need = get_object_or_404(Need, pk=pk, cycle__body=body)
    if not need.photo:
        raise Http404
    kind = image_format(need.photo) or ""
    response = FileResponse(need.photo.open("rb"), content_type=f"image/{kind.lower()}")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@body_view(CycleAction.SUPPORT_NEED, Need)
def need_support(request, body, need):
    """POST: the resident supports the need; a GET shows the need's page."""
    if request.method == "POST":
        resident = _own_resident(request)
        try:
            if resident is None:
                raise CycleError(_("Only residents in the census support needs."))
            service.support(need, resident=resident, by=request.user)
        except CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your support is counted."))
    return redirect("need", slug=body.slug, pk=need.pk)


class ConfirmForm(forms.Form):
    pass


@body_view(CycleAction.WITHDRAW_NEED, Need)
def need_withdraw(request, body, need):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.withdraw(need, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The need is withdrawn."))
            return redirect("need", slug=body.slug, pk=need.pk)
    return render(
        request,
        "web/cycles/need_withdraw.html",
        {"body": body, "cycle": need.cycle, "need": need, "form": form},
        status=form_status(request),
    )


# --- the prioritisation ---------------------------------------------------------------------


class PrioritiseForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Ballots"),
        choices=[
            ("approval", gettext_lazy("Approval: each resident marks every need they find urgent")),
            ("ranked", gettext_lazy("Ranked: each resident orders the needs, most urgent first")),
        ],
        widget=forms.RadioSelect,
        initial="approval",
    )


@body_view(CycleAction.PRIORITISE, Cycle)
def cycle_prioritise(request, body, cycle):
    form = PrioritiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = service.open_prioritisation(
                cycle, method=form.cleaned_data["method"], by=request.user
            )
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The prioritisation vote is open."))
            return redirect("poll", slug=body.slug, pk=poll.pk)
    return render(
        request,
        "web/cycles/cycle_prioritise.html",
        {
            "body": body,
            "cycle": cycle,
            "form": form,
            "poll": cycle.priority_poll,
            "needs": cycle.needs.filter(withdrawn=False).order_by("pk"),
        },
        status=form_status(request),
    )


@body_view(CycleAction.PRIORITISE, Cycle)
def cycle_priorities(request, body, cycle):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    poll = cycle.priority_poll
    if request.method == "POST" and form.is_valid():
        try:
            service.record_priorities(cycle, by=request.user)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The order of the needs is recorded."))
            return redirect("cycle", slug=body.slug, pk=cycle.pk)
    preview = []
    if poll is not None and poll.status == Status.CLOSED:
        preview = service.order(cycle)
    return render(
        request,
        "web/cycles/cycle_priorities.html",
        {
            "body": body,
            "cycle": cycle,
            "form": form,
            "poll": poll,
            "preview": preview,
            "recorded": service.priorities(cycle),
        },
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/cycles/<int:pk>/needs/", need_list, name="needs"),
    path("b/<slug:slug>/cycles/<int:pk>/needs/new/", need_new, name="need-new"),
    path("b/<slug:slug>/needs/<int:pk>/", need_page, name="need"),
    path("b/<slug:slug>/needs/<int:pk>/photo/", need_photo, name="need-photo"),
    path("b/<slug:slug>/needs/<int:pk>/support/", need_support, name="need-support"),
    path("b/<slug:slug>/needs/<int:pk>/withdraw/", need_withdraw, name="need-withdraw"),
    path("b/<slug:slug>/cycles/<int:pk>/prioritise/", cycle_prioritise, name="cycle-prioritise"),
    path("b/<slug:slug>/cycles/<int:pk>/priorities/", cycle_priorities, name="cycle-priorities"),
]
