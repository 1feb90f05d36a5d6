"""The cycle's needs pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe)."""

from __future__ import annotations

from django.urls import reverse

from comuna.cycles import needs
from comuna.cycles.models import CyclePhase, Need, NeedCategory, NeedSupport
from comuna.voting import services as voting
from tests.conftest import SETUP
from tests.cycles.factories import cycle_in, need_in
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def two_needs(cast, cycle) -> list[Need]:
    return [
        Need.objects.create(
            cycle=cycle,
            category=NeedCategory.WATER,
            title=title,
            description=f"{title}: falta.",
            reported_by=cast.resident,
        )
        for title in ("Agua", "Luz")
    ]


def _with_needs(cast, cycle):
    two_needs(cast, cycle)
    return {"pk": cycle.pk}


def _with_closed_vote(cast, cycle):
    """Two needs and, in the prioritisation phase, their vote closed (the order to record)."""
    two_needs(cast, cycle)
    if cycle.phase() == CyclePhase.PRIORITISATION:
        poll = needs.open_prioritisation(cycle, method="approval", by=SETUP)
        voting.close_poll(poll, by=SETUP)
    return {"pk": cycle.pk}


def _reported_by(cast, need, persona):
    """The persona reports the need (only its reporter withdraws it)."""
    resident = getattr(cast, persona, None) if persona != "anonymous" else None
    if resident is not None and resident.body_id == need.cycle.body_id:
        Need.objects.filter(pk=need.pk).update(reported_by=resident)


PROBES: dict = {
    "need-new": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {
            "category": "water",
            "title": "Falta agua en la calle 5",
            "description": "Llega un día por semana.",
            "place": "Calle 5",
        },
    ),
    "need-support": Probe(kwargs=_pk, get=False, post=lambda cast, obj: {}),
    "need-withdraw": Probe(kwargs=_pk, post=lambda cast, obj: {}, prepare=_reported_by),
    "cycle-prioritise": Probe(kwargs=_with_needs, post=lambda cast, obj: {"method": "approval"}),
    "cycle-priorities": Probe(kwargs=_with_closed_vote, post=lambda cast, obj: {}),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    made = [need_in(cast, phase) for phase in CyclePhase.values]
    cycles = [n.cycle for n in made]
    NeedSupport.objects.create(need=made[1], resident=cast.spokesperson)
    Need.objects.filter(pk=made[2].pk).update(withdrawn=True)
    prioritised = cycle_in(cast, CyclePhase.PRIORITISATION)
    two_needs(cast, prioritised)
    poll = needs.open_prioritisation(prioritised, method="ranked", by=SETUP)
    voting.close_poll(poll, by=SETUP)
    closed = cycle_in(cast, CyclePhase.PRIORITISATION)
    two_needs(cast, closed)
    poll = needs.open_prioritisation(closed, method="approval", by=SETUP)
    voting.close_poll(poll, by=SETUP)
    needs.record_priorities(closed, by=SETUP)
    cycles += [prioritised, closed]
    made += list(closed.needs.all())

    def each_cycle(name, query=""):
        return [reverse(name, kwargs={"slug": council, "pk": c.pk}) + query for c in cycles]

    def each_need(name):
        return [reverse(name, kwargs={"slug": council, "pk": n.pk}) for n in made]

    return {
        "needs": each_cycle("needs")
        + each_cycle("needs", "?category=water&sort=priority")
        + each_cycle("needs", "?sort=recent&category=nada"),
        "need-new": each_cycle("need-new"),
        "need": each_need("need"),
        "need-photo": each_need("need-photo"),
        "need-support": each_need("need-support"),
        "need-withdraw": each_need("need-withdraw"),
        "cycle-prioritise": each_cycle("cycle-prioritise"),
        "cycle-priorities": each_cycle("cycle-priorities"),
    }
