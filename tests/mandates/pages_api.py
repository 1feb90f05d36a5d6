"""The mandates API's probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its ``Probe``) and its sample URLs for
tests/web/test_reads_never_write.py (api_urls(cast) -> operation name -> URLs). Every
operation of comuna/api/mandates.py must be here."""

from __future__ import annotations

from comuna.mandates.models import ElectionPhase, RecallStatus
from comuna.territory.models import Mandate

BODIES = "/api/v1/bodies"


def _spokesperson(cast) -> Mandate:
    return Mandate.objects.get(resident=cast.spokesperson, organ=cast.health)


API_PROBES: dict[str, dict] = {
    "POST /api/v1/bodies/{slug}/recalls/{recall_id}/signatures": {
        "params": lambda cast, obj: {"recall_id": obj.pk},
        "conflict_phases": frozenset(RecallStatus.values) - {RecallStatus.COLLECTING},
    },
    "POST /api/v1/bodies/{slug}/spokespersons/{mandate_id}/questions": {
        "params": lambda cast, obj: {"mandate_id": _spokesperson(cast).pk},
        "payload": lambda cast, obj: {"text": "¿Cuándo llega el agua?"},
    },
}


def api_urls(cast) -> dict[str, list[str]]:
    """Every read of the mandates API, on objects in each phase, filtered and paged, another
    body's object, and one that does not exist."""
    from tests.mandates.factories import election_in, recall_in

    elections = [election_in(cast, phase) for phase in ElectionPhase.values]
    recalls = [recall_in(cast, phase) for phase in RecallStatus.values]
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"{BODIES}/{cast.council.slug}"
    mandates = Mandate.objects.filter(body=cast.council).values_list("pk", flat=True)
    return {
        "api-seats": [f"{BODIES}/{s}/seats/" for s in slugs],
        "api-elections": [f"{BODIES}/{s}/elections/" for s in slugs]
        + [
            f"{council}/elections/?phase=campaign",
            f"{council}/elections/?after={elections[0].pk}&limit=1",
            f"{council}/elections/?phase=nonsense",
        ],
        "api-election": [f"{council}/elections/{e.pk}/" for e in elections]
        + [f"{BODIES}/{cast.other.slug}/elections/{elections[0].pk}/"],
        "api-recalls": [f"{BODIES}/{s}/recalls/" for s in slugs]
        + [f"{council}/recalls/?status=report", f"{council}/recalls/?limit=1"],
        "api-recall": [f"{council}/recalls/{r.pk}/" for r in recalls]
        + [f"{council}/recalls/999999/"],
        "api-spokespersons": [f"{BODIES}/{s}/spokespersons/" for s in slugs]
        + [f"{council}/spokespersons/?ended=true&organ={cast.health.pk}"],
        "api-spokesperson": [f"{council}/spokespersons/{pk}/" for pk in mandates],
        "api-recall-sign": [f"{council}/recalls/{recalls[0].pk}/signatures"],
        "api-ask": [f"{council}/spokespersons/{_spokesperson(cast).pk}/questions"],
    }
