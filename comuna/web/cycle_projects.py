"""Pages of issue 13's communal cycle (cycle_projects): the plan's projects, proposing one with
its cost items (rows added without JavaScript), a project's page with its cost table, the needs
it answers and its review history, revising, withdrawing and reviewing it. Thin views over
comuna.cycles.projects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.cycles import projects as service
from comuna.cycles import visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    Cycle,
    Execution,
    Need,
    NeedCategory,
    Project,
    ProjectStatus,
    ReviewDecision,
)
from comuna.cycles.rules import CycleAction
from comuna.federation import plan
from comuna.territory.models import Body, Mandate, MandateKind, Resident
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.cycle_lessons import similar_lessons
from comuna.web.refusals import form_status, put_refusal

BLANK_ROWS = 3  # blank cost-item rows a proposal form offers (one more per "add a row")
MOST_ROWS = 60


def _resolves(name: str, **kwargs: Any) -> bool:
    """Whether another part's page exists yet (the cycle and needs pages)."""
    try:
        reverse(name, kwargs={"slug": "x", **kwargs})
    except NoReverseMatch:
        return False
    return True


def _links() -> dict[str, bool]:
    return {
        "has_cycle_page": _resolves("cycle", pk=1),
        "has_need_page": _resolves("need", pk=1),
    }


def _own_resident(request) -> Resident | None:
    if not request.user.is_authenticated:
        return None
    return Resident.objects.filter(user_id=request.user.pk).first()


# --- the list --------------------------------------------------------------------------------


@public
def project_list(request, slug, pk):
    """Public when the statute says the cycle is: the cycle's projects with their status, cost,
    needs answered and committee, filtered by status and by need."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = get_object_or_404(Cycle, pk=pk, body=body)
    needs = list(cycle.needs.order_by("priority", "pk"))
    found = (
        cycle.projects.select_related("committee", "proposing_committee")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("pk")))
        .order_by("pk")
    )
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    need = request.GET.get("need", "")
    chosen = next((n for n in needs if str(n.pk) == need), None)
    if chosen is not None:
        found = found.filter(needs=chosen)
    counts = dict(
        cycle.projects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "web/cycles/projects.html",
        {
            "body": body,
            "cycle": cycle,
            "projects": list(found),
            "needs": needs,
            "statuses": [
                {"code": code, "label": label, "count": counts.get(code, 0)}
                for code, label in ProjectStatus.choices
            ],
            "status": status,
            "need": chosen,
            "can_propose": can(request.user, CycleAction.PROPOSE_PROJECT, cycle),
            # issue 15: a commune's (or city's) plan built from its members' plans
            "has_members": body.children.exists(),
            **_links(),
        },
    )


# --- proposing and revising ------------------------------------------------------------------


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What the project does"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    needs = forms.TypedMultipleChoiceField(
        label=gettext_lazy("The needs it answers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", "—"), *NeedCategory.choices],
        required=False,
    )
    committee = forms.TypedChoiceField(
        label=gettext_lazy("Responsible committee"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    proposing_committee = forms.TypedChoiceField(
        label=gettext_lazy("Who proposes it"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        localize=True,
        help_text=gettext_lazy("Optional: the point on the map, with the longitude."),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        localize=True,
    )

    def __init__(self, *args, needs, organs, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [
            (n.pk, f"{n.priority}. {n.title}" if n.priority else n.title) for n in needs
        ]
        self.fields["committee"].choices = [("", "—")] + [(o.pk, o.name) for o in organs]
        self.fields["proposing_committee"].choices = [("", _("Myself"))] + [
            (o.pk, _("%(committee)s (I hold a seat in it)") % {"committee": o.name}) for o in seats
        ]


def _rows(request) -> list[dict[str, str]]:
    """The cost-item rows of the form as typed, blank ones left out."""
    try:
        count = min(int(request.POST.get("rows", 0)), MOST_ROWS)
    except ValueError:
        count = 0
    found = []
    for n in range(count):
        row = {
            name: request.POST.get(f"item-{n}-{name}", "").strip()
            for name in ("description", "quantity", "unit_cost")
        }
        if any(row.values()):
            found.append(row)
    return found


def _priced(rows: list[dict[str, str]], blanks: int) -> tuple[list[dict[str, Any]], Decimal]:
    """The rows to show (typed ones then ``blanks`` blank ones), each with its subtotal when
    it can be worked out, and the total of those."""
    shown: list[dict[str, Any]] = []
    total = Decimal(0)
    for row in rows:
        subtotal = None
        try:
            items, subtotal = service.clean_items([row])
        except CycleError:
            subtotal = None
        if subtotal is not None:
            total += subtotal
        shown.append({**row, "subtotal": subtotal})
    shown += [
        {"description": "", "quantity": "", "unit_cost": "", "subtotal": None}
        for _n in range(blanks)
    ]
    return shown, total


def _seats(request, body: Body):
    me = _own_resident(request)
    if me is None:
        return []
    held = Mandate.objects.active().filter(
        resident=me, kind=MandateKind.SPOKESPERSON, organ__body=body
    )
    return [m.organ for m in held.select_related("organ").order_by("organ__position", "pk")]


def _proposal(request, body: Body, cycle: Cycle, project: Project | None):
    """The form proposing a project (``project`` None) or revising one."""
    needs = list(cycle.needs.filter(withdrawn=False).order_by("priority", "pk"))
    organs = list(body.organs.order_by("position", "name"))
    seats = _seats(request, body)
    adding = request.method == "POST" and "add_row" in request.POST
    if project is None:
        initial: dict[str, Any] = {"category": ""}
        typed_rows: list[dict[str, str]] = []
    else:
        initial = {
            "title": project.title,
            "description": project.description,
            "needs": [n.pk for n in project.needs.all()],
            "category": project.category,
            "committee": project.committee_id,
            "proposing_committee": project.proposing_committee_id,
            "place": project.place,
            "latitude": project.latitude,
            "longitude": project.longitude,
        }
        if project.proposing_committee and project.proposing_committee not in seats:
            seats.append(project.proposing_committee)
        typed_rows = [
            {
                "description": i.description,
                "quantity": str(i.quantity),
                "unit_cost": str(i.unit_cost),
            }
            for i in project.items.order_by("position", "pk")
        ]
    if request.method == "POST":
        typed_rows = _rows(request)
    options = {"needs": needs, "organs": organs, "seats": seats}
    if adding:
        # "add a row" re-renders what was typed with one more blank row, judging nothing yet
        form = ProposalForm(initial=dict(request.POST.lists()) | _single(request), **options)
        blanks = 1 + max(int(request.POST.get("blanks", BLANK_ROWS) or 0), 0)
    else:
        form = ProposalForm(request.POST or None, initial=initial, **options)
        blanks = BLANK_ROWS if project is None or request.method == "POST" else 1
    blanks = max(0, min(blanks, MOST_ROWS - len(typed_rows)))
    item_errors: list[str] = []
    if request.method == "POST" and not adding and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "description": data["description"],
            "needs": data["needs"],
            "items": typed_rows,
            "committee": data["committee"],
            "proposing_committee": data["proposing_committee"],
            "category": data["category"],
            "place": data["place"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
        }
        try:
            if project is None:
                me = _own_resident(request)
                if me is None:
                    raise service.refuse(_("Only residents of this body propose projects."))
                project = service.propose(cycle, resident=me, by=request.user, **fields)
                messages.success(request, _("The project is proposed; it awaits its review."))
            else:
                service.revise(project, by=request.user, **fields)
                messages.success(request, _("The project is revised and resubmitted."))
        except CycleError as exc:
            if getattr(exc, "field", None) == "items":
                item_errors.append(str(exc))
            else:
                put_refusal(form, exc)
        else:
            return redirect("project", slug=body.slug, pk=project.pk)
    rows, total = _priced(typed_rows, blanks)
    return render(
        request,
        "web/cycles/project_form.html",
        {
            "body": body,
            "cycle": cycle,
            "project": project,
            "form": form,
            "rows": rows,
            "row_count": len(rows),
            "blanks": blanks,
            "total": total,
            "item_errors": item_errors,
            "has_needs": bool(needs),
            "is_proposer": project is None or _is_proposer(request, project),
            **_links(),
        },
        status=200 if adding else form_status(request),
    )


def _single(request) -> dict[str, Any]:
    """The single-valued fields of the POST as initial values (``lists()`` gives lists)."""
    return {
        name: request.POST.get(name, "")
        for name in (
            "title",
            "description",
            "category",
            "committee",
            "proposing_committee",
            "place",
            "latitude",
            "longitude",
        )
    }


def _is_proposer(request, project: Project) -> bool:
    me = _own_resident(request)
    return me is not None and me.pk == project.proposed_by_id


@body_view(CycleAction.PROPOSE_PROJECT, Cycle)
def project_new(request, body, cycle):
    return _proposal(request, body, cycle, None)


@body_view(CycleAction.REVISE_PROJECT, Project)
def project_revise(request, body, project):
    """The proposer revises their project and resubmits it (others read why they may not)."""
    return _proposal(request, body, project.cycle, project)


# --- one project -----------------------------------------------------------------------------


@public
def project_detail(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    project = get_object_or_404(
        Project.objects.select_related("cycle", "committee", "proposing_committee", "proposed_by"),
        pk=pk,
        cycle__body=body,
    )
    mine = _is_proposer(request, project)
    revisable = project.status in (ProjectStatus.SUBMITTED, ProjectStatus.REJECTED)
    return render(
        request,
        "web/cycles/project.html",
        {
            "body": body,
            "cycle": project.cycle,
            "project": project,
            "items": [
                {"item": i, "subtotal": i.quantity * i.unit_cost}
                for i in project.items.order_by("position", "pk")
            ],
            "needs": list(project.needs.order_by("priority", "pk")),
            "history": service.history(project),
            "mine": mine,
            "can_revise": mine
            and revisable
            and can(request.user, CycleAction.REVISE_PROJECT, project),
            "can_withdraw": mine
            and project.status != ProjectStatus.WITHDRAWN
            and can(request.user, CycleAction.WITHDRAW_PROJECT, project),
            "can_review": project.status == ProjectStatus.SUBMITTED
            and can(request.user, CycleAction.REVIEW_PROJECT, project),
            # issue 14: a funded project's execution page
            "executed": Execution.objects.filter(project=project).exists(),
            # issue 15: the higher plans it is in, and the member's plan it came from
            "inclusions": plan.inclusions(project),
            "source": project.source
            and Project.objects.select_related("cycle__body").get(pk=project.source_id),
            # the clearing house (cycle_lessons): lessons of similar projects elsewhere
            "similar_lessons": similar_lessons(request.user, project),
            **_links(),
        },
    )


@body_view(CycleAction.WITHDRAW_PROJECT, Project)
def project_withdraw(request, body, project):
    """The proposer withdraws their project (a confirmation, then a POST)."""
    error = None
    if request.method == "POST":
        try:
            service.withdraw(project, by=request.user)
        except CycleError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The project is withdrawn."))
            return redirect("project", slug=body.slug, pk=project.pk)
    return render(
        request,
        "web/cycles/project_withdraw.html",
        {
            "body": body,
            "cycle": project.cycle,
            "project": project,
            "error": error,
            "mine": _is_proposer(request, project),
        },
        status=form_status(request),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (ReviewDecision.FEASIBLE, gettext_lazy("Feasible: it may go to the budget vote")),
            (ReviewDecision.REJECTED, gettext_lazy("Not feasible")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Needed when it is not feasible; everyone can read it."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


@body_view(CycleAction.REVIEW_PROJECT, Project)
def project_review(request, body, project):
    """The executive unit reviews the current revision's feasibility."""
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.review(
                project,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("project", slug=body.slug, pk=project.pk)
    return render(
        request,
        "web/cycles/project_review.html",
        {
            "body": body,
            "cycle": project.cycle,
            "project": project,
            "form": form,
            "items": [
                {"item": i, "subtotal": i.quantity * i.unit_cost}
                for i in project.items.order_by("position", "pk")
            ],
            "needs": list(project.needs.order_by("priority", "pk")),
            **_links(),
        },
        status=form_status(request),
    )


# --- the commune plan from its members' plans (issue 15) --------------------------------------


def _plan_context(request, body, cycle) -> dict[str, Any]:
    return {
        "body": body,
        "cycle": cycle,
        "members": plan.plan(cycle, request.user),
        "own": plan.own_projects(cycle),
        "can_include": can(request.user, CycleAction.REVIEW_PROJECT, cycle),
        **_links(),
    }


@public
def plan_page(request, slug, pk):
    """A commune's (or city's) plan: per member, the projects it brought from its own plan;
    then the commune's own projects. Public when the statute says the cycle is."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = get_object_or_404(Cycle, pk=pk, body=body)
    return render(request, "web/cycles/plan.html", _plan_context(request, body, cycle))


@body_view(CycleAction.REVIEW_PROJECT, Cycle)
def plan_include(request, body, cycle):
    """The executive unit includes a member's feasible project in the plan (one button per
    project it may still bring)."""
    error = None
    if request.method == "POST":
        wanted = rows.parse_id(request.POST.get("project"))
        found = None if wanted is None else Project.objects.filter(pk=wanted).first()
        if found is None:
            error = _("Choose a project of a member's plan.")
        else:
            try:
                copy = plan.include_project(cycle, found, by=request.user)
            except CycleError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    _("“%(project)s” is in the plan of %(body)s.")
                    % {"project": copy.title, "body": body.name},
                )
                return redirect("plan-include", slug=body.slug, pk=cycle.pk)
    return render(
        request,
        "web/cycles/plan_include.html",
        {**_plan_context(request, body, cycle), "error": error},
        status=400 if error else 200,
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/cycles/<int:pk>/plan/", plan_page, name="plan"),
    path("b/<slug:slug>/cycles/<int:pk>/plan/include/", plan_include, name="plan-include"),
    path("b/<slug:slug>/cycles/<int:pk>/projects/", project_list, name="projects"),
    path("b/<slug:slug>/cycles/<int:pk>/projects/new/", project_new, name="project-new"),
    path("b/<slug:slug>/projects/<int:pk>/", project_detail, name="project"),
    path("b/<slug:slug>/projects/<int:pk>/revise/", project_revise, name="project-revise"),
    path("b/<slug:slug>/projects/<int:pk>/withdraw/", project_withdraw, name="project-withdraw"),
    path("b/<slug:slug>/projects/<int:pk>/review/", project_review, name="project-review"),
]
