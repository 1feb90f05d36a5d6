"""The cycle's projects pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe)."""

from __future__ import annotations

PROBES: dict = {}


def urls(cast) -> dict[str, list[str]]:
    return {}
