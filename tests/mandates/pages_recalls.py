"""The recalls pages' probes for tests/web/test_permission_matrix.py (PROBES: page name -> Probe)
and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (the public list and recall pages, guarded
by no rule, only in the second)."""

from __future__ import annotations

from django.urls import reverse

from comuna.assemblies.models import Assembly, Status
from comuna.mandates.models import RecallStatus
from comuna.territory.models import Mandate, Resident
from tests.assemblies.factories import assembly_in
from tests.mandates.factories import recall_in
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def _start(cast, obj):
    mandate = Mandate.objects.active().get(resident=cast.spokesperson, organ=cast.health)
    return {"mandate": str(mandate.pk), "grounds": "No rinde cuentas desde hace un año."}


def _with_document(cast, obj):
    """The recall's page, with the resident given an identity document to enter from paper."""
    Resident.objects.filter(pk=cast.resident.pk).update(document_id="V-11111111")
    return {"pk": obj.pk}


def _with_coming_assembly(cast, obj):
    """The recall's page, with a coming assembly whose agenda may still be amended."""
    assembly_in(cast, Status.CONVENED)
    return {"pk": obj.pk}


def _coming(cast, obj):
    coming = Assembly.objects.filter(body=cast.council, status=Status.CONVENED).latest("pk")
    return {"assembly": str(coming.pk)}


PROBES: dict = {
    "recall-new": Probe(post=_start),
    "recall-initiate": Probe(post=_start),
    "recall-sign": Probe(kwargs=_pk, get=False, post=lambda cast, obj: {}),
    "recall-paper": Probe(kwargs=_with_document, post=lambda c, o: {"documents": "V-11111111"}),
    "recall-report": Probe(kwargs=_pk, post=lambda c, o: {"text": "Se constataron los hechos."}),
    "recall-put-to-vote": Probe(kwargs=_with_coming_assembly, post=_coming),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    recalls = [recall_in(cast, phase) for phase in RecallStatus.values]
    assembly_in(cast, Status.CONVENED)  # a choice on the put-to-vote page
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]

    def each(name):
        return [reverse(name, kwargs={"slug": council, "pk": r.pk}) for r in recalls]

    return {
        **{
            name: [reverse(name, kwargs={"slug": s}) for s in slugs]
            for name in ("recalls", "recall-new", "recall-initiate")
        },
        **{name: each(name) for name in ("recall", "recall-sign", "recall-paper", "recall-report")},
        "recall-put-to-vote": each("recall-put-to-vote"),
    }
