"""Founding referendums' fixtures: three councils of the cast's city that are in no commune,
each with its own residents (logins), electoral commission and coordination collective; and
helpers that take a referendum through its steps with the real services.

``founders`` (a fixture) gives a :class:`Founders`; the factories (``referendum_in``,
``place_in``) make a referendum of council A of the cast in any status, for the permission
matrices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from comuna.federation import referendums as service
from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.territory import services as territory
from comuna.territory.models import BodyKind, MandateKind, OrganKind
from comuna.voting import services as voting
from tests.conftest import SETUP, add_voters, make_resident

CHARTER = "Carta fundacional de la Comuna El Valle.\n\nArtículo 1. La comuna es de sus consejos."
QUESTION = "¿Aprueba fundar la Comuna El Valle con esta carta fundacional?"


@dataclass
class Founder:
    """A council with its electoral commission's member, its coordinator and its voters."""

    body: Any
    electoral: Any  # users
    coordinator: Any
    voters: list = field(default_factory=list)


@dataclass
class Founders:
    city: Any
    councils: list[Founder]

    @property
    def host(self) -> Founder:
        return self.councils[0]


def make_founder(name: str, slug: str, *, parent=None, voters: int = 4) -> Founder:
    body = territory.create_body(
        name=name, slug=slug, kind=BodyKind.COUNCIL, parent=parent, by=SETUP
    )
    electoral_organ = territory.create_organ(
        body, kind=OrganKind.ELECTORAL, name="Comisión Electoral", by=SETUP
    )
    coordination = territory.create_organ(
        body, kind=OrganKind.COORDINATION, name="Colectivo de Coordinación", by=SETUP
    )
    people = {}
    for role, organ in (("electoral", electoral_organ), ("coordinator", coordination)):
        resident = make_resident(body, f"{role.title()} {slug}", username=f"{slug}-{role}")
        territory.confer_mandate(
            body,
            resident,
            organ=organ,
            kind=MandateKind.SPOKESPERSON,
            starts_on=date(2020, 1, 1),
            ends_on=date(2099, 1, 1),
            by=SETUP,
        )
        people[role] = resident.user
    users = add_voters(body, voters, f"{slug}-v") if voters else []
    everyone = [*users, people["electoral"], people["coordinator"]]
    return Founder(body, people["electoral"], people["coordinator"], everyone)


@pytest.fixture
def founders(cast) -> Founders:
    """Three councils of the cast's city, in no commune: El Valle (the host), La Loma, El Río;
    each has 6 voters (its commission's member, its coordinator and 4 more)."""
    councils = [
        make_founder(name, slug, parent=cast.city)
        for name, slug in (
            ("Consejo El Valle", "el-valle"),
            ("Consejo La Loma", "la-loma"),
            ("Consejo El Río", "el-rio"),
        )
    ]
    return Founders(cast.city, councils)


def propose(founders: Founders, **changes) -> Referendum:
    data = {
        "kind": BodyKind.COMMUNE,
        "name": "Comuna El Valle",
        "slug": "comuna-el-valle",
        "territory": "Valle alto",
        "parent": founders.city,
        "charter": CHARTER,
        "question": QUESTION,
        "members": [f.body for f in founders.councils],
        "by": founders.host.coordinator,
    }
    data.update(changes)
    return service.propose(founders.host.body, **data)


def place_of(referendum: Referendum, body) -> Place:
    return referendum.places.get(member=body)


def join_all(founders: Founders, referendum: Referendum) -> None:
    for founder in founders.councils[1:]:
        service.join(place_of(referendum, founder.body), by=founder.coordinator)


def soon():
    now = timezone.now()
    return now + timedelta(hours=1), now + timedelta(days=2)


def open_voting(founders: Founders, referendum: Referendum) -> Referendum:
    opens_at, closes_at = soon()
    return service.open_voting(
        referendum, opens_at=opens_at, closes_at=closes_at, by=founders.host.coordinator
    )


def vote(founder: Founder, poll, yes: int, no: int) -> None:
    """``yes`` then ``no`` of the council's voters cast online."""
    for user in founder.voters[:yes]:
        voting.cast(poll, user, "yes")
    for user in founder.voters[yes : yes + no]:
        voting.cast(poll, user, "no")


def run_polls(founders: Founders, referendum: Referendum, votes: list[tuple[int, int]]) -> None:
    """Each council's commission opens its poll, its voters vote, and it closes and counts."""
    for founder, (yes, no) in zip(founders.councils, votes, strict=True):
        poll = place_of(referendum, founder.body).poll
        voting.open_poll(poll, by=founder.electoral)
        vote(founder, poll, yes, no)
        voting.close_poll(poll, by=founder.electoral)


def counted(founders: Founders, votes: list[tuple[int, int]]) -> Referendum:
    referendum = propose(founders)
    join_all(founders, referendum)
    referendum = open_voting(founders, referendum)
    run_polls(founders, referendum, votes)
    return service.count(referendum, by=founders.host.electoral)


# --- the permission matrices' objects: a referendum of council A ------------------------------


def _partner(cast, slug: str):
    """A council in no commune, to stand with council A (which is in the cast's commune: the
    matrices' rows are written directly, as the services would refuse it)."""
    from comuna.territory.models import Body

    found = Body.objects.filter(slug=slug).first()
    return found or make_founder("Consejo Socio", slug, parent=cast.city, voters=0).body


def referendum_in(cast, phase, *, host=None, joined=True) -> Referendum:
    """A referendum hosted by council A (or ``host``) with a partner council, in ``phase``:
    in voting, every poll counted (none voted), so counting it fails and changes it."""
    host = host or cast.council
    partner = _partner(cast, "consejo-socio")
    referendum = Referendum.objects.create(
        host=host,
        kind=BodyKind.COMMUNE,
        name="Comuna Nueva",
        slug=f"comuna-nueva-{Referendum.objects.count() + 1}",
        parent=cast.city,
        charter=CHARTER,
        question=QUESTION,
    )
    now = timezone.now()
    for member in (host, partner):
        Place.objects.create(
            referendum=referendum,
            member=member,
            joined_at=now if (joined or member == host) else None,
        )
    if phase in (None, ReferendumStatus.DRAFT):
        return referendum
    referendum.charter_sha256 = service.sha256_text(CHARTER)
    referendum.turnout_pct, referendum.majority_pct = 15, 50
    for place in referendum.places.select_related("member"):
        poll = voting.create_poll(
            place.member,
            title=QUESTION,
            method="single",
            options=[{"key": "yes", "label": "Sí"}, {"key": "no", "label": "No"}],
            by=SETUP,
        )
        voting.open_poll(poll, by=SETUP)
        voting.close_poll(poll, by=SETUP)
        place.poll = poll
        place.save()
    referendum.status = phase
    referendum.save()
    return referendum


def place_in(cast, phase) -> Place:
    """Council A's place, not joined yet, in a referendum hosted by another council."""
    other = _partner(cast, "consejo-anfitrion")
    referendum = referendum_in(cast, phase, host=other, joined=False)
    Place.objects.filter(referendum=referendum, member=other).update(joined_at=timezone.now())
    return Place.objects.create(referendum=referendum, member=cast.council)
