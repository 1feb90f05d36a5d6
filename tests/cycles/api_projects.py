"""The cycle API's projects probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here.

The plan's API only reads (public, or for members when the statute keeps the cycle closed):
no operation needs a probe of the matrix."""

from __future__ import annotations

API_PROBES: dict[str, dict] = {}

BODIES = "/api/v1/bodies"


def api_urls(cast) -> dict[str, list[str]]:
    from comuna.cycles.models import CyclePhase, ProjectStatus
    from tests.cycles.factories import project_in

    made = [project_in(cast, CyclePhase.REVIEW, status=s) for s in ProjectStatus.values]
    other = project_in(cast, CyclePhase.REVIEW, body=cast.other)
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-projects": [f"{BODIES}/{s}/projects/" for s in slugs]
        + [
            f"{council}/projects/?cycle={made[0].cycle_id}&status=feasible",
            f"{council}/projects/?after={made[0].pk}&limit=1",
            f"{council}/projects/?status=nonsense",
        ],
        "api-project": [f"{council}/projects/{p.pk}/" for p in made]
        + [f"{council}/projects/{other.pk}/", f"{council}/projects/999999/"],
    }
