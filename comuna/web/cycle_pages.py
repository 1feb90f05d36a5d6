"""Pages of issue 13's communal cycle (cycle_pages): the body's cycles, opening one, its page
(the phase now on a timeline, what the reader can do now, the counts, the prioritised needs)
and amending its calendar. Thin views over comuna.cycles.cycle."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles import cycle as service
from comuna.cycles import needs as need_service
from comuna.cycles import visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import Cycle
from comuna.cycles.rules import CycleAction
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal


def url_or_none(name: str, **kwargs) -> str | None:
    """The page's address, or None while the part that owns the page does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- the list -------------------------------------------------------------------------------


@public
def cycle_list(request, slug):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    now = service.current(body)
    others = [c for c in body.cycles.order_by("-starts_on", "-pk") if c != now]
    return render(
        request,
        "web/cycles/cycles.html",
        {
            "body": body,
            "current": [now] if now else [],
            "others": others,
            "can_open": can(request.user, CycleAction.OPEN, body),
        },
    )


# --- opening and amending -------------------------------------------------------------------


def _date_field(name: str) -> forms.DateField:
    return forms.DateField(
        label=service.LABELS[name],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CycleForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("A year or a period, e.g. “Communal cycle 2027”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = _date_field("starts_on")
    diagnosis_until = _date_field("diagnosis_until")
    prioritisation_until = _date_field("prioritisation_until")
    planning_until = _date_field("planning_until")
    review_until = _date_field("review_until")
    budget_until = _date_field("budget_until")
    ends_on = _date_field("ends_on")


@body_view(CycleAction.OPEN)
def cycle_new(request, body):
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = service.open_cycle(body, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The cycle is open."))
            return redirect("cycle", slug=body.slug, pk=made.pk)
    return render(
        request,
        "web/cycles/cycle_form.html",
        {"body": body, "form": form, "cycle": None},
        status=form_status(request),
    )


@body_view(CycleAction.EDIT, Cycle)
def cycle_edit(request, body, cycle):
    initial = {name: getattr(cycle, name) for name in service.EDITABLE}
    form = CycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.amend(cycle, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The cycle is amended."))
            return redirect("cycle", slug=body.slug, pk=cycle.pk)
    return render(
        request,
        "web/cycles/cycle_form.html",
        {"body": body, "form": form, "cycle": cycle},
        status=form_status(request),
    )


# --- one cycle ------------------------------------------------------------------------------


def steps(cycle: Cycle, user) -> list[dict]:
    """The "what you can do now" box: each step in words, with its page when it exists."""
    found = []
    for step in service.next_steps(cycle, user):
        found.append(
            {
                **step,
                "label": service.STEP_LABELS.get(step["action"], step["action"]),
                "url": url_or_none(step["url_name"], **step["kwargs"]),
            }
        )
    return found


@public
def cycle_page(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = get_object_or_404(Cycle.objects.select_related("priority_poll"), pk=pk, body=body)
    found = steps(cycle, request.user)
    kwargs = {"slug": body.slug, "pk": cycle.pk}
    return render(
        request,
        "web/cycles/cycle.html",
        {
            "body": body,
            "cycle": cycle,
            "phase": cycle.phase(),
            "calendar": service.calendar(cycle),
            "steps": [s for s in found if s["allowed"]],
            "could": [s for s in found if not s["allowed"]],
            "login_url": reverse("login") + "?next=" + request.get_full_path(),
            "counts": service.counts(cycle),
            "budgets": list(cycle.budgets.order_by("pk")),
            "priorities": need_service.priorities(cycle),
            "poll": cycle.priority_poll,
            "projects_url": url_or_none("projects", **kwargs),
            "budgets_url": url_or_none("budgets", **kwargs)
            or url_or_none("budgets", slug=body.slug),
            "can_edit": can(request.user, CycleAction.EDIT, cycle),
            "can_prioritise": can(request.user, CycleAction.PRIORITISE, cycle),
            "top_needs": cycle.needs.filter(withdrawn=False)
            .annotate(n_supports=Count("supports"))
            .order_by("-n_supports", "reported_at", "pk")[:5],
        },
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/cycles/", cycle_list, name="cycles"),
    path("b/<slug:slug>/cycles/new/", cycle_new, name="cycle-new"),
    path("b/<slug:slug>/cycles/<int:pk>/", cycle_page, name="cycle"),
    path("b/<slug:slug>/cycles/<int:pk>/edit/", cycle_edit, name="cycle-edit"),
]
