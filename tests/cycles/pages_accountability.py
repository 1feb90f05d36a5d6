"""The accountability pages' probes for tests/web/test_permission_matrix.py (PROBES: none, every
page is public, read under the statute's ``cycle_public``) and their sample URLs for
tests/web/test_reads_never_write.py (urls(cast) -> page name -> URLs)."""

from __future__ import annotations

from django.urls import reverse

from tests.cycles.accountability_factories import funded_cycle

PROBES: dict = {}


def urls(cast) -> dict[str, list[str]]:
    funded = funded_cycle(cast)
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = cast.council.slug
    cycle = funded.cycle.pk

    def per_body(name, query=""):
        return [reverse(name, kwargs={"slug": s}) + query for s in slugs]

    return {
        "accountability": per_body("accountability"),
        "cycle-accountability": [
            reverse("cycle-accountability", kwargs={"slug": council, "pk": cycle})
        ],
        "accountability-expenses": per_body("accountability-expenses")
        + [reverse("accountability-expenses", kwargs={"slug": council}) + f"?cycle={cycle}"],
        "accountability-receipts": per_body("accountability-receipts")
        + [reverse("accountability-receipts", kwargs={"slug": council}) + f"?cycle={cycle}"],
    }
