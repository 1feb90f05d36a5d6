"""The cycle's cycle pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.cycles.cycle import CALENDAR
from comuna.cycles.models import CyclePhase
from tests.cycles.factories import cycle_in
from tests.web.probes import Probe


def cycle_form(title: str = "Ciclo comunal 2027", start: int = 1) -> dict:
    today = timezone.localdate()
    return {
        "title": title,
        "description": "",
        **{
            name: (today + timedelta(days=start + 10 * n)).isoformat()
            for n, name in enumerate(CALENDAR)
        },
    }


def _same_calendar_new_title(cast, cycle) -> dict:
    return {
        "title": "Ciclo comunal renombrado",
        "description": cycle.description,
        **{name: getattr(cycle, name).isoformat() for name in CALENDAR},
    }


PROBES: dict = {
    "cycle-new": Probe(post=lambda cast, obj: cycle_form()),
    "cycle-edit": Probe(kwargs=lambda cast, cycle: {"pk": cycle.pk}, post=_same_calendar_new_title),
}


def urls(cast) -> dict[str, list[str]]:
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = cast.council.slug
    made = [cycle_in(cast, phase) for phase in CyclePhase.values]

    def each(name):
        return [reverse(name, kwargs={"slug": council, "pk": c.pk}) for c in made]

    return {
        "cycles": [reverse("cycles", kwargs={"slug": s}) for s in slugs],
        "cycle-new": [reverse("cycle-new", kwargs={"slug": s}) for s in slugs],
        "cycle": each("cycle"),
        "cycle-edit": each("cycle-edit"),
    }
