"""Budget pages: thin views over comuna.cycles.budgets. The list, a budget's page and its
``.pb`` file are public when the body's statute says the cycle is (``visibility``); creating,
editing, opening, voting, counting and proposing a deviation are body pages guarded by
``CycleAction.CREATE_BUDGET`` and ``BudgetAction``.

The ballot page casts in every district the voter may vote in with one receipt code. Its
running total updates with JavaScript, and without it through the "Update the total" button,
which re-renders the ballot with the total and casts nothing. A budget of several districts
exports one ``.pb`` file per district (``?district=<id>``); without it the export answers 400
naming the districts.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies.models import Assembly
from comuna.assemblies.models import Status as AssemblyStatus
from comuna.cycles import budgets, visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    BallotKind,
    Budget,
    BudgetProject,
    BudgetStatus,
    Cycle,
    DeviationChange,
    Project,
    ProjectStatus,
)
from comuna.cycles.rules import BudgetAction, CycleAction
from comuna.federation import plan
from comuna.territory.models import Body, BodyKind
from comuna.territory.permissions import can
from comuna.voting.names import rule_description, rule_name
from comuna.web.access import body_view, public

DISTRICT_ROWS = 3  # district rows on the form (a budget of more asks for a second save)

# --- forms ----------------------------------------------------------------------------------


def _rule_choices() -> list[tuple[str, str]]:
    seen: list[str] = []
    for kind in budgets.CREATABLE:
        for rule in budgets.rules_for(kind):
            if rule not in seen:
                seen.append(rule)
    return [(r, f"{rule_name(r)} — {rule_description(r)}") for r in seen]


def _amount_field() -> forms.DecimalField:
    """A district's own amount."""
    return forms.DecimalField(
        label=gettext_lazy("Its budget"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
    )


def _projects_field(choices, label=None) -> forms.MultipleChoiceField:
    """A district's projects, ticked among ``choices``."""
    return forms.MultipleChoiceField(
        label=label or gettext_lazy("Its projects"),
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BudgetForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    amount = forms.DecimalField(
        label=gettext_lazy("Budget"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=gettext_lazy("The money shared out, when the budget has no districts below."),
    )
    ballot_kind = forms.ChoiceField(
        label=gettext_lazy("Ballot"),
        choices=[(k, BallotKind(k).label) for k in budgets.CREATABLE],
        widget=forms.RadioSelect,
        initial=BallotKind.APPROVAL,
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Counting rule"), widget=forms.RadioSelect, initial="mes-cost-complete"
    )
    min_projects = forms.IntegerField(
        label=gettext_lazy("Fewest projects on a ballot"), min_value=1, initial=1
    )
    max_projects = forms.IntegerField(
        label=gettext_lazy("Most projects on a ballot"), min_value=1, required=False
    )
    max_cost = forms.DecimalField(
        label=gettext_lazy("Most a ballot may spend"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=gettext_lazy("Shopping cart: by default the district's budget."),
    )
    max_points = forms.IntegerField(
        label=gettext_lazy("Points each voter shares out"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Points ballots only."),
    )

    def __init__(self, *args, projects: list[Project], members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = _rule_choices()
        self.projects = projects
        # issue 15: a commune's (or city's) cycle: one district per member plus a pot
        self.members = [m for m in members or [] if m.included]
        choices = [(str(p.pk), p.title) for p in projects]
        feasible = {p.pk for p in projects}
        for row in self.members:
            pk = row.member.pk
            self.fields[f"member_{pk}_amount"] = _amount_field()
            self.fields[f"member_{pk}_projects"] = _projects_field(
                [(str(p.pk), p.title) for p in row.included if p.pk in feasible],
                gettext_lazy("Its projects (those it brought to the plan)"),
            )
        if self.members:
            self.fields["pot_name"] = forms.CharField(
                label=gettext_lazy("Name of the pot for the whole body"),
                max_length=200,
                required=False,
            )
            self.fields["pot_amount"] = _amount_field()
            self.fields["pot_projects"] = _projects_field(choices)
        for n in range(DISTRICT_ROWS):
            self.fields[f"district_{n}_name"] = forms.CharField(
                label=gettext_lazy("District or category"), max_length=200, required=False
            )
            self.fields[f"district_{n}_amount"] = _amount_field()
            self.fields[f"district_{n}_projects"] = _projects_field(choices)

    def district_rows(self):
        return [
            [self[f"district_{n}_{part}"] for part in ("name", "amount", "projects")]
            for n in range(DISTRICT_ROWS)
        ]

    def main_fields(self):
        grouped = ("district_", "member_", "pot_")
        return [f for f in self if not f.name.startswith(grouped)]

    def member_rows(self):
        return [
            {
                "member": row.member,
                "fields": [self[f"member_{row.member.pk}_{p}"] for p in ("amount", "projects")],
            }
            for row in self.members
        ]

    def pot_fields(self):
        return [self[f"pot_{p}"] for p in ("name", "amount", "projects")] if self.members else []

    def per_member(self) -> list[dict] | None:
        """The districts per member plus the pot, when any of their budgets is given (None:
        this shape is not used)."""
        if not self.members:
            return None
        data = self.cleaned_data
        by_pk = {str(p.pk): p for p in self.projects}
        given = [data.get(f"member_{r.member.pk}_amount") for r in self.members]
        if not any(given) and not data.get("pot_amount"):
            return None
        districts = []
        for row, amount in zip(self.members, given, strict=True):
            chosen = data.get(f"member_{row.member.pk}_projects") or []
            if amount or chosen:
                districts.append(
                    {
                        "name": row.member.name,
                        "voters_body": row.member,
                        "amount": amount,
                        "projects": [by_pk[k] for k in chosen],
                    }
                )
        chosen = data.get("pot_projects") or []
        if data.get("pot_amount") or chosen:
            districts.append(
                {
                    "name": data.get("pot_name") or pot_name(self.members[0].member.parent),
                    "amount": data.get("pot_amount"),
                    "projects": [by_pk[k] for k in chosen],
                }
            )
        return districts

    def settings(self) -> dict:
        data = self.cleaned_data
        by_pk = {str(p.pk): p for p in self.projects}
        districts = []
        for n in range(DISTRICT_ROWS):
            name = data.get(f"district_{n}_name") or ""
            amount = data.get(f"district_{n}_amount")
            chosen = data.get(f"district_{n}_projects") or []
            if name or amount or chosen:
                districts.append(
                    {"name": name, "amount": amount, "projects": [by_pk[k] for k in chosen]}
                )
        members = self.per_member()
        if members is not None:
            if districts:
                raise CycleError(
                    _(
                        "Give either the districts per member and the pot, or the districts "
                        "or categories below, not both."
                    )
                )
            districts = members
        return {
            "title": data["title"],
            "amount": data.get("amount"),
            "ballot_kind": data["ballot_kind"],
            "rule": data["rule"],
            "districts": districts or None,
            "min_projects": data["min_projects"],
            "max_projects": data.get("max_projects"),
            "max_cost": data.get("max_cost"),
            "max_points": data.get("max_points"),
        }


def pot_name(body: Body) -> str:
    """The default name of the district every voter of ``body`` votes in."""
    if body.kind == BodyKind.CITY:
        return _("The whole communal city")
    return _("The whole commune")


def _member_initial(cycle: Cycle, members, projects: list[Project]) -> dict:
    """A new budget of a commune's cycle: each member's projects ticked in its district, the
    commune's own in the pot (the amounts left to fill in)."""
    initial: dict = {"title": cycle.title}
    feasible = {p.pk for p in projects}
    brought = set()
    for row in members:
        ticked = [str(p.pk) for p in row.included if p.pk in feasible]
        brought.update(p.pk for p in row.included)
        initial[f"member_{row.member.pk}_projects"] = ticked
    if any(row.included for row in members):
        initial["pot_name"] = pot_name(cycle.body)
        initial["pot_projects"] = [str(p.pk) for p in projects if p.pk not in brought]
    return initial


def _initial(budget: Budget) -> dict:
    initial = {
        "title": budget.title,
        "amount": budget.amount,
        "ballot_kind": budget.ballot_kind,
        "rule": budget.rule,
        "min_projects": budget.min_projects,
        "max_projects": budget.max_projects,
        "max_cost": budget.max_cost,
        "max_points": budget.max_points,
    }
    current = budgets.current_districts(budget) or []
    if any(d.get("voters_body") for d in current):  # per member plus a pot
        for district in current:
            ticked = [str(p.pk) for p in district["projects"]]
            if district.get("voters_body"):
                pk = district["voters_body"].pk
                initial[f"member_{pk}_amount"] = district["amount"]
                initial[f"member_{pk}_projects"] = ticked
            else:
                initial.update(
                    pot_name=district["name"], pot_amount=district["amount"], pot_projects=ticked
                )
        return initial
    for n, district in enumerate(current[:DISTRICT_ROWS]):
        initial[f"district_{n}_name"] = district["name"]
        initial[f"district_{n}_amount"] = district["amount"]
        initial[f"district_{n}_projects"] = [str(p.pk) for p in district["projects"]]
    return initial


def _feasible(cycle: Cycle) -> list[Project]:
    return list(Project.objects.filter(cycle=cycle, status=ProjectStatus.FEASIBLE).order_by("pk"))


def _form_page(request, body, cycle, budget=None):
    projects = _feasible(cycle)
    members = plan.plan(cycle, request.user) if body.children.exists() else []
    form = BudgetForm(
        request.POST or None,
        projects=projects,
        members=members,
        initial=_initial(budget) if budget else _member_initial(cycle, members, projects),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if budget is None:
                budget = budgets.create(cycle, by=request.user, **form.settings())
            else:
                budget = budgets.edit(budget, by=request.user, **form.settings())
        except CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft budget was saved."))
            return redirect("budget", slug=body.slug, pk=budget.pk)
    return render(
        request,
        "web/cycles/budget_form.html",
        {"body": body, "cycle": cycle, "budget": budget, "form": form, "projects": projects},
        status=400 if form.errors else 200,
    )


@body_view(CycleAction.CREATE_BUDGET, Cycle)
def budget_new(request, body, cycle):
    return _form_page(request, body, cycle)


@body_view(BudgetAction.EDIT, Budget)
def budget_edit(request, body, budget):
    if budget.cycle is None:
        raise Http404
    return _form_page(request, body, budget.cycle, budget)


# --- the public pages -----------------------------------------------------------------------


@public
def budget_list(request, slug):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    found = list(
        Budget.objects.filter(body=body).select_related("cycle").prefetch_related("districts")
    )
    return render(
        request,
        "web/cycles/budgets.html",
        {
            "body": body,
            "budgets": found,
            "can_import": can(request.user, CycleAction.IMPORT_PB, body),
        },
    )


def _entries(budget: Budget) -> list[BudgetProject]:
    return list(
        BudgetProject.objects.filter(district__budget=budget)
        .select_related("project", "district")
        .order_by("district__position", "district_id", "pk")
    )


@public
def budget_detail(request, slug, pk):
    budget = get_object_or_404(
        Budget.objects.select_related("body", "cycle"), pk=pk, body__slug=slug
    )
    body = budget.body
    if (response := visibility.refused(request, body)) is not None:
        return response
    districts = list(budget.districts.select_related("poll", "voters_body"))
    entries = _entries(budget)
    counted = budget.status == BudgetStatus.COUNTED
    found = budgets.outcome(budget) if counted else []
    whole = budgets.overall(budget, found) if counted else None
    for district in found:
        amount = district.district.amount or Decimal(1)
        for project in district.projects:
            cost = project.option.cost if project.option else Decimal(0)
            project.bar = min(100, int(cost * 100 / amount)) if cost else 0
        for column in district.columns:
            column.name = rule_name(column.rule)
    deviations = list(
        budget.deviations.select_related("entry__project", "item__assembly", "motion")
    )
    return render(
        request,
        "web/cycles/budget.html",
        {
            "body": body,
            "budget": budget,
            "districts": districts,
            "entries": entries,
            "outcome": found,
            "overall": whole,
            "per_member": any(d.voters_body_id for d in districts),
            "funded": budgets.funded(budget) if counted else [],
            "deviations": deviations,
            "cycle_url": _cycle_url(budget),
            "rule_name": rule_name(budget.rule),
            "rule_description": rule_description(budget.rule),
            "can_edit": can(request.user, BudgetAction.EDIT, budget) and budget.cycle_id,
            "can_open": can(request.user, BudgetAction.OPEN, budget),
            "can_vote": can(request.user, BudgetAction.VOTE, budget),
            "can_count": can(request.user, BudgetAction.COUNT, budget),
            "can_deviate": can(request.user, BudgetAction.PROPOSE_DEVIATION, budget),
            # issue 14: the funded projects' executions, and opening them
            "executed": set(budget.executions.values_list("project_id", flat=True)),
            "can_open_execution": counted
            and budget.cycle_id
            and can(request.user, BudgetAction.OPEN_EXECUTION, budget),
        },
    )


def _cycle_url(budget: Budget) -> str | None:
    """The cycle's page (the cycle part's), when there is one."""
    if budget.cycle_id is None:
        return None
    try:
        return reverse("cycle", kwargs={"slug": budget.body.slug, "pk": budget.cycle_id})
    except NoReverseMatch:
        return None


@public
def budget_export(request, slug, pk):
    budget = get_object_or_404(Budget.objects.select_related("body"), pk=pk, body__slug=slug)
    if (response := visibility.refused(request, budget.body)) is not None:
        return response
    districts = list(budget.districts.all())
    wanted = request.GET.get("district")
    if wanted:
        district = next((d for d in districts if str(d.pk) == wanted), None)
        if district is None:
            raise Http404
    elif len(districts) == 1:
        district = districts[0]
    else:
        names = "; ".join(f"{d.name}: ?district={d.pk}" for d in districts)
        return HttpResponseBadRequest(
            _("This budget has several districts; export one at a time: %(names)s")
            % {"names": names},
            content_type="text/plain; charset=utf-8",
        )
    text = budgets.export_pb(budget, district)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = f"budget-{budget.pk}" + (f"-{district.pk}" if len(districts) > 1 else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.pb"'
    return response


# --- opening and counting -------------------------------------------------------------------


def _step(request, body, budget, service, done: str, template: str):
    if request.method == "POST":
        try:
            service(budget, by=request.user)
        except CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("budget", slug=body.slug, pk=budget.pk)
    return render(request, template, {"body": body, "budget": budget})


@body_view(BudgetAction.OPEN, Budget)
def budget_open(request, body, budget):
    return _step(
        request,
        body,
        budget,
        budgets.open,
        _("The budget vote is open."),
        "web/cycles/budget_open.html",
    )


@body_view(BudgetAction.COUNT, Budget)
def budget_count(request, body, budget):
    return _step(
        request,
        body,
        budget,
        budgets.count,
        _("The budget vote is closed and counted."),
        "web/cycles/budget_count.html",
    )


# --- the ballot -----------------------------------------------------------------------------


def _district_choices(budget: Budget, district, data) -> object:
    """What the voter filled in for ``district``: keys (approval, cart), key -> points, or the
    keys ranked; None when nothing was filled in."""
    prefix = f"d{district.pk}-"
    keys = [e.key for e in district.entries.all()]
    if budget.ballot_kind == BallotKind.POINTS:
        given = {k: data.get(f"{prefix}points_{k}", "").strip() for k in keys}
        given = {k: v for k, v in given.items() if v}
        return given or None
    if budget.ballot_kind == BallotKind.RANKED:
        ranks = {}
        for k in keys:
            raw = data.get(f"{prefix}rank_{k}", "").strip()
            if raw:
                try:
                    ranks[k] = int(raw)
                except ValueError:
                    raise CycleError(_("“%(value)s” is not a rank.") % {"value": raw}) from None
        if not ranks:
            return None
        order = sorted(ranks.values())
        if order != list(range(1, len(order) + 1)):
            raise CycleError(
                _("Number your preferences 1, 2, 3… without repeating or skipping a number.")
            )
        return sorted(ranks, key=ranks.__getitem__)
    chosen = [k for k in data.getlist(f"{prefix}choice") if k in keys]
    return chosen or None


def _rows(budget: Budget, district, data, spent) -> dict:
    prefix = f"d{district.pk}-"
    options = {o.key: o for o in budgets._options(district)}
    chosen = set(data.getlist(f"{prefix}choice")) if data is not None else set()
    field = {BallotKind.POINTS: "points_", BallotKind.RANKED: "rank_"}.get(budget.ballot_kind)
    rows = []
    for entry in district.entries.select_related("project"):
        rows.append(
            {
                "entry": entry,
                "option": options.get(entry.key),
                "checked": entry.key in chosen,
                "value": (data.get(f"{prefix}{field}{entry.key}", "") if data and field else ""),
            }
        )
    return {"district": district, "prefix": prefix, "rows": rows, "spent": spent}


def _ballot_context(request, body, budget, data=None, **extra) -> dict:
    districts = budgets.voting_districts(budget, request.user)
    choices = {}
    if data is not None:
        for district in districts:
            try:
                found = _district_choices(budget, district, data)
            except CycleError:
                found = None
            if found:
                choices[district.pk] = found
    totals = {s.district.pk: s for s in budgets.spent(budget, choices)}
    voted = any(
        d.poll.voters.filter(user_id=request.user.pk, has_voted=True).exists() for d in districts
    )
    return {
        "body": body,
        "budget": budget,
        "ballots": [_rows(budget, d, data, totals[d.pk]) for d in districts],
        "voted": voted,
        "allow_revote": all(d.poll.allow_revote for d in districts),
        **extra,
    }


@body_view(BudgetAction.VOTE, Budget)
def budget_vote(request, body, budget):
    if request.method != "POST":
        return render(
            request, "web/cycles/budget_vote.html", _ballot_context(request, body, budget)
        )
    data = request.POST
    if "update" in data:  # "Update the total": count the cost again, cast nothing
        context = _ballot_context(request, body, budget, data, updated=True)
        return render(request, "web/cycles/budget_vote.html", context)
    try:
        choices = {}
        # every district's fields: a ballot in a district not the voter's is refused, saying
        # whose register votes there (a commune-wide budget's other councils)
        for district in budget.districts.prefetch_related("entries"):
            found = _district_choices(budget, district, data)
            if found is not None:
                choices[district.pk] = found
        code = budgets.cast(
            budget,
            user=request.user,
            choices=choices,
            receipt_code=data.get("receipt_code") or None,
        )
    except CycleError as exc:
        context = _ballot_context(request, body, budget, data, error=str(exc))
        return render(request, "web/cycles/budget_vote.html", context, status=400)
    # The receipt is shown once, in this response, and kept nowhere on the server in clear.
    return render(
        request,
        "web/cycles/budget_receipt.html",
        {"body": body, "budget": budget, "code": code, "changed": bool(data.get("receipt_code"))},
    )


# --- deviations -----------------------------------------------------------------------------


class DeviationForm(forms.Form):
    entry = forms.TypedChoiceField(label=gettext_lazy("Project"), coerce=int)
    change = forms.ChoiceField(
        label=gettext_lazy("Change"), choices=DeviationChange.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Shown beside the result, with the assembly's decision."),
    )
    assembly = forms.TypedChoiceField(label=gettext_lazy("Assembly"), coerce=int)

    def __init__(self, *args, entries, assemblies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [
            (e.pk, e.project.title if e.project_id else e.key) for e in entries
        ]
        in_session = _("in session")
        self.fields["assembly"].choices = [
            (
                a.pk,
                f"{a.title} · "
                + (
                    in_session
                    if a.status == AssemblyStatus.IN_SESSION
                    else f"{a.starts_at:%Y-%m-%d}"
                ),
            )
            for a in assemblies
        ]


@body_view(BudgetAction.PROPOSE_DEVIATION, Budget)
def budget_deviation(request, body, budget):
    entries = _entries(budget)
    assemblies = budgets.schedulable(body)
    form = DeviationForm(request.POST or None, entries=entries, assemblies=assemblies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = next(e for e in entries if e.pk == data["entry"])
        assembly: Assembly = next(a for a in assemblies if a.pk == data["assembly"])
        try:
            budgets.propose_deviation(
                budget,
                entry=entry,
                change=data["change"],
                reason=data["reason"],
                assembly=assembly,
                by=request.user,
            )
        except CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The change is on the assembly's agenda."))
            return redirect("budget", slug=body.slug, pk=budget.pk)
    return render(
        request,
        "web/cycles/budget_deviation.html",
        {"body": body, "budget": budget, "form": form, "assemblies": assemblies},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/budgets/", budget_list, name="budgets"),
    path("b/<slug:slug>/cycles/<int:pk>/budgets/new/", budget_new, name="budget-new"),
    path("b/<slug:slug>/budgets/<int:pk>/", budget_detail, name="budget"),
    path("b/<slug:slug>/budgets/<int:pk>/edit/", budget_edit, name="budget-edit"),
    path("b/<slug:slug>/budgets/<int:pk>/open/", budget_open, name="budget-open"),
    path("b/<slug:slug>/budgets/<int:pk>/vote/", budget_vote, name="budget-vote"),
    path("b/<slug:slug>/budgets/<int:pk>/count/", budget_count, name="budget-count"),
    path(
        "b/<slug:slug>/budgets/<int:pk>/deviations/new/",
        budget_deviation,
        name="budget-deviation",
    ),
    path("b/<slug:slug>/budgets/<int:pk>/export.pb", budget_export, name="budget-export"),
]
