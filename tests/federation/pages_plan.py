"""The commune plan's pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). The matrix requests council A's pages: its probe federates a member into council A with
a feasible project, so that the executive unit's include succeeds."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from comuna.cycles.models import CyclePhase, Project, ProjectStatus
from comuna.territory import services
from comuna.territory.models import BodyKind
from tests.conftest import SETUP, make_resident
from tests.cycles.factories import cycle_in
from tests.web.probes import Probe


def _with_member(cast, obj):
    """A member federated into the cycle's body, with a feasible project in its own cycle."""
    member = services.create_body(
        name="Sector Norte",
        slug=f"sector-norte-{obj.pk}",
        kind=BodyKind.COUNCIL,
        parent=obj.body,
        by=SETUP,
    )
    resident = make_resident(member, "Vecina Norte")
    Project.objects.create(
        cycle=cycle_in(cast, CyclePhase.BUDGET, member),
        title="Tanque del sector",
        description="Un tanque para el sector.",
        proposed_by=resident,
        cost=Decimal("1200"),
        status=ProjectStatus.FEASIBLE,
    )
    return {"pk": obj.pk}


def _include(cast, obj):
    found = Project.objects.filter(cycle__body__parent=obj.body, status=ProjectStatus.FEASIBLE)
    return {"project": str(found.latest("pk").pk)}


PROBES: dict = {
    "plan-include": Probe(kwargs=_with_member, post=_include),
}


def urls(cast) -> dict[str, list[str]]:
    cycle = cycle_in(cast, CyclePhase.REVIEW, cast.commune)
    council = cycle_in(cast, CyclePhase.REVIEW)
    return {
        "plan": [
            reverse("plan", kwargs={"slug": cast.commune.slug, "pk": cycle.pk}),
            reverse("plan", kwargs={"slug": cast.council.slug, "pk": council.pk}),
        ],
        "plan-include": [
            reverse("plan-include", kwargs={"slug": cast.commune.slug, "pk": cycle.pk})
        ],
    }
