"""The founding referendums' probes for tests/web/test_permission_matrix.py (PROBES: page name
-> Probe; OBJECTS: model -> factory) and their sample URLs for tests/web/test_reads_never_write.py
(urls(cast) -> page name -> URLs).

Council A, where the personas hold their roles, is in the cast's commune already, so the
matrix's referendums are written as rows (the services would refuse them): hosted by council A
with a partner council in no commune (``referendum_in``), and council A's place invited to
one hosted by another council (``place_in``). Proposing from council A's page takes council A
out of its commune first (``prepare``: its roles in council A are the same)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.territory.models import Body
from tests.federation.referendum_fixtures import (
    CHARTER,
    QUESTION,
    _partner,
    place_in,
    referendum_in,
)
from tests.web.probes import Probe

OBJECTS = {Referendum: referendum_in, Place: place_in}


def _pk(cast, obj):
    return {"pk": obj.pk}


def _free_to_propose(cast, obj, persona):
    """Council A out of the cast's commune, under its city, and a council to invite."""
    Body.objects.filter(pk=cast.council.pk).update(parent=cast.city)
    _partner(cast, "consejo-socio")


def _proposal(cast, obj):
    return {
        "name": "Comuna Propuesta",
        "slug": "comuna-propuesta",
        "territory": "",
        "parent": str(cast.city.pk),
        "members": [str(Body.objects.get(slug="consejo-socio").pk)],
        "question": QUESTION,
        "charter": CHARTER,
    }


def _times(cast, obj):
    def when(delta):
        return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")

    return {"opens_at": when(timedelta(hours=1)), "closes_at": when(timedelta(days=2))}


def _unfoundable(cast, obj, persona):
    """A referendum in voting whose polls carried it, and whose short name another body took
    meanwhile: its count cannot found it, its electoral commission may close it."""
    from comuna.territory import services
    from comuna.voting.models import Poll
    from tests.conftest import SETUP

    if obj.status != ReferendumStatus.VOTING:
        return
    carried = {"tally": {"yes": 3, "no": 0}, "turnout": {"register": 3, "ballots": 3}}
    Poll.objects.filter(referendum_place__referendum=obj).update(result=carried)
    if not Body.objects.filter(slug=obj.slug).exists():
        services.create_body(name="Otra", slug=obj.slug, kind="commune", by=SETUP)


PROBES: dict = {
    "referendum-new": Probe(post=_proposal, prepare=_free_to_propose),
    "referendum-join": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "referendum-charter": Probe(kwargs=_pk, post=lambda cast, obj: {"charter": "Carta nueva."}),
    "referendum-open": Probe(kwargs=_pk, post=_times),
    "referendum-count": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "referendum-withdraw": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "referendum-close": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {"reason": "El nombre corto ya lo tomó otra comuna."},
        prepare=_unfoundable,
    ),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    made = [referendum_in(cast, status) for status in ReferendumStatus.values]
    place = place_in(cast, ReferendumStatus.DRAFT)
    partner = Body.objects.get(slug="consejo-socio").slug

    def on(name, slug=council):
        return [reverse(name, kwargs={"slug": slug, "pk": r.pk}) for r in made]

    return {
        "referendums": [
            reverse("referendums", kwargs={"slug": slug})
            for slug in (council, partner, cast.commune.slug, cast.other.slug)
        ],
        "referendum": on("referendum")
        + on("referendum", partner)
        + [
            reverse("referendum", kwargs={"slug": cast.other.slug, "pk": made[0].pk}),
            reverse("referendum", kwargs={"slug": council, "pk": 999999}),
        ],
        "referendum-new": [reverse("referendum-new", kwargs={"slug": council})],
        "referendum-join": [
            reverse("referendum-join", kwargs={"slug": council, "pk": place.pk}),
            reverse("referendum-join", kwargs={"slug": cast.other.slug, "pk": place.pk}),
        ],
        "referendum-charter": on("referendum-charter"),
        "referendum-open": on("referendum-open"),
        "referendum-count": on("referendum-count"),
        "referendum-withdraw": on("referendum-withdraw"),
        "referendum-close": on("referendum-close"),
    }
