"""The cycle API's budgets probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here (its
operations are public reads: no probe)."""

from __future__ import annotations

from comuna.cycles.models import BudgetStatus
from tests.cycles.factories import budget_in

BODIES = "/api/v1/bodies"

API_PROBES: dict[str, dict] = {}


def api_urls(cast) -> dict[str, list[str]]:
    found = [budget_in(cast, status) for status in BudgetStatus.values]
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-budgets": [f"{BODIES}/{s}/budgets/" for s in slugs]
        + [f"{council}/budgets/?after={found[0].pk}&limit=1"],
        "api-budget": [f"{council}/budgets/{b.pk}/" for b in found]
        + [f"{BODIES}/{cast.other.slug}/budgets/{found[0].pk}/", f"{council}/budgets/999999/"],
        "api-budget-export": [f"{council}/budgets/{b.pk}/export.pb" for b in found],
    }
