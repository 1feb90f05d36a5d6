"""The founding referendums' API probes for tests/api/test_permission_matrix.py (API_PROBES:
none, its reads are public) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs)."""

from __future__ import annotations

from comuna.federation.models import ReferendumStatus
from tests.federation.referendum_fixtures import referendum_in

BODIES = "/api/v1/bodies"

API_PROBES: dict[str, dict] = {}


def api_urls(cast) -> dict[str, list[str]]:
    made = [referendum_in(cast, status) for status in ReferendumStatus.values]
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-referendums": [
            f"{BODIES}/{slug}/referendums/" for slug in (cast.council.slug, cast.other.slug)
        ],
        "api-referendum": [f"{council}/referendums/{r.pk}/" for r in made]
        + [
            f"{BODIES}/consejo-socio/referendums/{made[0].pk}/",
            f"{BODIES}/{cast.other.slug}/referendums/{made[0].pk}/",
            f"{council}/referendums/999999/",
        ],
    }
