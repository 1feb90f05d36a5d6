"""The cycle's projects pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe).

Revising and withdrawing a project are the proposer's own (the service's check, as a
candidate's withdrawal is): the matrix requests their pages with GET for every role and phase;
their POSTs, by the proposer and by another resident, are tests/cycles/test_project_pages.py's.
"""

from __future__ import annotations

from django.urls import reverse

from comuna.cycles.models import CyclePhase, Need, NeedCategory, ProjectStatus
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def _with_a_need(cast, cycle):
    """The cycle with one need reported, for a project to answer."""
    Need.objects.create(
        cycle=cycle,
        category=NeedCategory.ROADS,
        title="La calle 5 está rota",
        description="Huecos en toda la calle.",
        reported_by=cast.resident,
    )
    return {"pk": cycle.pk}


def proposal_form(cast, cycle, **changes) -> dict:
    """A valid proposal: one need, two cost items (2 × 1.250,50 + 300 = 2.801,00)."""
    need = cycle.needs.order_by("pk").first()
    data = {
        "title": "Asfaltado de la calle 5",
        "description": "Tapar los huecos y asfaltar 200 metros.",
        "needs": [str(need.pk)] if need else [],
        "category": "roads",
        "committee": str(cast.health.pk),
        "proposing_committee": "",
        "place": "Calle 5",
        "latitude": "",
        "longitude": "",
        "rows": "3",
        "blanks": "1",
        "item-0-description": "Asfalto (toneladas)",
        "item-0-quantity": "2",
        "item-0-unit_cost": "1250,50",
        "item-1-description": "Mano de obra",
        "item-1-quantity": "1",
        "item-1-unit_cost": "300",
        "item-2-description": "",
        "item-2-quantity": "",
        "item-2-unit_cost": "",
    }
    data.update(changes)
    return data


PROBES: dict = {
    "project-new": Probe(kwargs=_with_a_need, post=proposal_form),
    # the proposer's own: GET only here (see the module's docstring)
    "project-revise": Probe(kwargs=_pk),
    "project-withdraw": Probe(kwargs=_pk),
    "project-review": Probe(
        kwargs=_pk, post=lambda cast, obj: {"decision": "feasible", "reason": ""}
    ),
}


def urls(cast) -> dict[str, list[str]]:
    from tests.cycles.factories import project_in

    council = cast.council.slug
    made = [project_in(cast, CyclePhase.PLANNING, status=s) for s in ProjectStatus.values]
    made.append(project_in(cast, CyclePhase.REVIEW))
    other = project_in(cast, CyclePhase.PLANNING, body=cast.other)
    cycle = made[0].cycle
    need = made[0].needs.first()

    def on_projects(name):
        return [reverse(name, kwargs={"slug": council, "pk": p.pk}) for p in made]

    listing = reverse("projects", kwargs={"slug": council, "pk": cycle.pk})
    return {
        "projects": [
            listing,
            f"{listing}?status=rejected",
            f"{listing}?need={need.pk}",
            f"{listing}?status=nonsense&need=x",
            reverse("projects", kwargs={"slug": cast.other.slug, "pk": other.cycle_id}),
            reverse("projects", kwargs={"slug": council, "pk": other.cycle_id}),
        ],
        "project-new": [reverse("project-new", kwargs={"slug": council, "pk": cycle.pk})],
        "project": on_projects("project")
        + [reverse("project", kwargs={"slug": council, "pk": other.pk})],
        "project-revise": on_projects("project-revise"),
        "project-withdraw": on_projects("project-withdraw"),
        "project-review": on_projects("project-review"),
    }
