"""The dashboard's probes for tests/web/test_permission_matrix.py (PROBES: none, its page is
public, read under the statute's ``cycle_public``) and its sample URLs for
tests/web/test_reads_never_write.py (urls(cast) and api_urls(cast) -> name -> URLs): the
commune's and the city's, and a council's (not found)."""

from __future__ import annotations

from django.urls import reverse

from tests.cycles.accountability_factories import funded_cycle

PROBES: dict = {}


def _slugs(cast) -> list[str]:
    funded_cycle(cast)  # something to add up: council A's money, a counted budget
    return [b.slug for b in (cast.commune, cast.city, cast.council)]


def urls(cast) -> dict[str, list[str]]:
    return {"dashboard": [reverse("dashboard", kwargs={"slug": s}) for s in _slugs(cast)]}


def api_urls(cast) -> dict[str, list[str]]:
    slugs = [b.slug for b in (cast.commune, cast.city, cast.council)]
    return {"api-dashboard": [f"/api/v1/bodies/{s}/dashboard/" for s in slugs]}
