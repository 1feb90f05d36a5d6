"""The cycle API's budgets probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here."""

from __future__ import annotations

API_PROBES: dict[str, dict] = {}


def api_urls(cast) -> dict[str, list[str]]:
    return {}
