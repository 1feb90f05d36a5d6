"""The seats pages' probes for tests/web/test_permission_matrix.py (PROBES: page name -> Probe)
and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (``seats`` is public: no probe)."""

from __future__ import annotations

from django.urls import reverse

from tests.web.probes import Probe

PROBES: dict = {
    "seats-declare": Probe(
        kwargs=lambda cast, obj: {"pk": cast.health.pk},
        post=lambda cast, obj: {"seats": "3", "counting": "stv"},
    ),
}


def urls(cast) -> dict[str, list[str]]:
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    return {
        "seats": [reverse("seats", kwargs={"slug": s}) for s in slugs],
        "seats-declare": [
            reverse("seats-declare", kwargs={"slug": cast.council.slug, "pk": organ.pk})
            for organ in (cast.health, cast.parliament)
        ],
    }
