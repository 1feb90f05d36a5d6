"""The cycle's budgets pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from comuna.assemblies.models import Assembly, Status
from comuna.cycles import budgets
from comuna.cycles.models import BudgetStatus, CyclePhase, Project, ProjectStatus
from tests.assemblies.factories import assembly_in
from tests.cycles.factories import budget_in, cycle_in
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def _with_feasible(cast, obj):
    """The cycle's budget form, with two feasible projects to vote on."""
    for title, cost in (("Tanque", "3000"), ("Cancha", "2000")):
        Project.objects.create(
            cycle=obj,
            title=title,
            description=title,
            proposed_by=obj.body.residents.first(),
            cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
        )
    return {"pk": obj.pk}


def settings_form(title="Presupuesto 2027", amount="5000", **extra) -> dict:
    return {
        "title": title,
        "amount": amount,
        "ballot_kind": "approval",
        "rule": "mes-cost-complete",
        "min_projects": "1",
        **extra,
    }


def _vote(cast, obj):
    return {f"d{obj.districts.get().pk}-choice": ["1"], "cast": "1"}


def _with_coming_assembly(cast, obj):
    assembly_in(cast, Status.CONVENED)
    return {"pk": obj.pk}


def _deviation(cast, obj):
    entry = obj.districts.get().entries.first()
    funded = budgets.funded(obj) if obj.status == BudgetStatus.COUNTED else []
    coming = Assembly.objects.filter(body=cast.council, status=Status.CONVENED).latest("pk")
    return {
        "entry": str(entry.pk),
        "change": "unfund" if entry.key in funded else "fund",
        "reason": "La asamblea lo decidió por la escuela.",
        "assembly": str(coming.pk),
    }


PROBES: dict = {
    "budget-new": Probe(kwargs=_with_feasible, post=lambda cast, obj: settings_form()),
    "budget-edit": Probe(kwargs=_pk, post=lambda cast, obj: settings_form("Otro título")),
    "budget-open": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "budget-vote": Probe(kwargs=_pk, post=_vote),
    "budget-count": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "budget-deviation": Probe(kwargs=_with_coming_assembly, post=_deviation),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    found = [budget_in(cast, status) for status in BudgetStatus.values]
    cycle = cycle_in(cast, CyclePhase.BUDGET)
    _with_feasible(cast, cycle)
    assembly_in(cast, Status.CONVENED)  # a choice on the deviation page
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]

    def each(name):
        return [reverse(name, kwargs={"slug": council, "pk": b.pk}) for b in found]

    return {
        "budgets": [reverse("budgets", kwargs={"slug": s}) for s in slugs],
        "budget-new": [reverse("budget-new", kwargs={"slug": council, "pk": cycle.pk})],
        **{
            name: each(name)
            for name in (
                "budget",
                "budget-edit",
                "budget-open",
                "budget-vote",
                "budget-count",
                "budget-deviation",
                "budget-export",
            )
        },
    }
