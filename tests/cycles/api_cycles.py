"""The cycle API's cycles probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here.

The cycles and needs endpoints only read (public, or for members when the statute keeps the
cycle closed): no operation needs a probe of the matrix."""

from __future__ import annotations

API_PROBES: dict[str, dict] = {}

BODIES = "/api/v1/bodies"


def api_urls(cast) -> dict[str, list[str]]:
    from comuna.cycles.models import CyclePhase
    from tests.cycles.factories import cycle_in, need_in

    cycles = [cycle_in(cast, phase) for phase in CyclePhase.values]
    need = need_in(cast, CyclePhase.DIAGNOSIS)
    other = need_in(cast, CyclePhase.DIAGNOSIS, body=cast.other)
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-cycles": [f"{BODIES}/{s}/cycles/" for s in slugs],
        "api-cycle": [f"{council}/cycles/{c.pk}/" for c in cycles]
        + [f"{council}/cycles/{other.cycle_id}/", f"{council}/cycles/999999/"],
        "api-needs": [f"{BODIES}/{s}/needs/" for s in slugs]
        + [
            f"{council}/needs/?cycle={need.cycle_id}&category=water",
            f"{council}/needs/?after={need.pk}&limit=1",
            f"{council}/needs/?category=nonsense",
        ],
        "api-need": [f"{council}/needs/{need.pk}/", f"{council}/needs/{other.pk}/"],
    }
