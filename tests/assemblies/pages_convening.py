"""The convening pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name
-> URLs). Every named page of the convening part must be in both."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.assemblies.models import PetitionStatus, Status
from comuna.territory.models import Resident
from tests.assemblies.factories import assembly_in, petition_in
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def formset(prefix: str, rows: list[dict], extra: int = 1) -> dict:
    """The POST data of a formset of agenda items: ``rows`` filled in, ``extra`` left blank."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    for n in range(len(rows), len(rows) + extra):
        data[f"{prefix}-{n}-majority"] = "simple"
    return data


def assembly_form(days: int = 10, **changes) -> dict:
    day = timezone.localdate() + timedelta(days=days)
    data = {
        "title": "Asamblea extraordinaria",
        "date": day.isoformat(),
        "time": "18:30",
        "place": "Cancha techada",
        "online_url": "",
        "description": "",
        **formset("items", [{"text": "Plan de agua", "majority": "simple"}]),
    }
    data.update(changes)
    return data


def _with_document(cast, obj):
    """The petition's page, with the resident given an identity document to enter from paper."""
    Resident.objects.filter(pk=cast.resident.pk).update(document_id="V-11111111")
    return {"pk": obj.pk}


PROBES: dict = {
    "assemblies": Probe(),
    "assembly-new": Probe(post=lambda cast, obj: assembly_form()),
    "assembly": Probe(kwargs=_pk),
    "assembly-agenda": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {
            "reason": "Pedido de la vocería de salud",
            **formset("add", [{"text": "Jornada de vacunación", "majority": "none"}]),
        },
    ),
    "assembly-ics": Probe(kwargs=_pk),
    "petitions": Probe(),
    "petition-new": Probe(
        post=lambda cast, obj: {"title": "Asamblea sobre la basura", "majority": "simple"}
    ),
    "petition": Probe(kwargs=_pk),
    "petition-sign": Probe(kwargs=_pk, get=False, post=lambda cast, obj: {}),
    "petition-paper": Probe(kwargs=_with_document, post=lambda c, o: {"documents": "V-11111111"}),
    "petition-convene": Probe(
        kwargs=_pk, post=lambda cast, obj: {"mode": "new", **assembly_form()}
    ),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    assemblies = [assembly_in(cast, phase) for phase in Status.values]
    petitions = [petition_in(cast, phase) for phase in PetitionStatus.values]
    per_body = ("assemblies", "assembly-new", "petitions", "petition-new")
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]

    def each(name, objects):
        return [reverse(name, kwargs={"slug": council, "pk": o.pk}) for o in objects]

    return {
        **{name: [reverse(name, kwargs={"slug": s}) for s in slugs] for name in per_body},
        **{name: each(name, assemblies) for name in ("assembly", "assembly-agenda")},
        "assembly-ics": each("assembly-ics", assemblies),
        **{
            name: each(name, petitions)
            for name in ("petition", "petition-sign", "petition-paper", "petition-convene")
        },
    }
