"""The same structure one level up (issue 15, point 5): a communal city's parliament seats its
communes, not the councils federated straight into it; a commune's seat in its city's
parliament has its own page (beside the commune's own parliament), where the commune's organs
find their forms; a commune's assembly elects its city spokesperson among its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comuna.federation import initiatives, parliament
from comuna.federation.errors import FederationError
from comuna.territory import services
from comuna.territory.models import BodyKind, MandateKind, OrganKind, SeatSector
from tests.conftest import SETUP, make_resident
from tests.federation.parliament_fixtures import in_session


@pytest.fixture
def city(cast, federation):
    """The cast's city with a parliament, a second commune and a council straight under it;
    the cast's commune sends a spokesperson (one of its own spokespersons) to the city."""
    city = cast.city
    organ = services.create_organ(
        city, kind=OrganKind.PARLIAMENT, name="Consejo de la Ciudad", by=SETUP
    )
    second = services.create_body(
        name="Comuna Dos", slug="comuna-dos", kind=BodyKind.COMMUNE, parent=city, by=SETUP
    )
    loose = services.create_body(
        name="Consejo Suelto", slug="consejo-suelto", kind=BodyKind.COUNCIL, parent=city, by=SETUP
    )
    make_resident(loose, "Vecina Suelta")
    seats = parliament.declare_member_seats(city, bank=False, by=SETUP)
    return {"city": city, "organ": organ, "second": second, "loose": loose, "seats": seats}


def test_a_city_parliament_seats_its_communes_and_not_a_council_straight_under_it(cast, city):
    members = [s.member.slug for s in city["seats"]]
    assert members == ["comuna", "comuna-dos"]  # by name
    assert all(s.sector == SeatSector.MEMBER for s in city["seats"])
    assert parliament.member_seat(city["city"], city["loose"]) is None
    assert parliament.above_of(city["loose"]) is None
    assert parliament.above_of(cast.commune) == city["city"]
    assert parliament.above_of(cast.council) == cast.commune


def test_a_matter_raised_to_the_city_counts_its_communes_only(cast, city):
    with pytest.raises(FederationError, match="no es miembro|is not a member"):
        initiatives.raise_matter(
            city["city"],
            title="Agua",
            member=city["loose"],
            assembly=in_session(city["loose"]),
            by=SETUP,
        )
    # two communes: the statute's 60 % of 2 is 2
    found = initiatives.raise_matter(
        city["city"], title="Agua", member=cast.commune, assembly=in_session(cast.commune), by=SETUP
    )
    assert found.members == 2


def test_a_commune_has_its_own_parliament_page_and_a_page_of_its_seat_in_the_city(
    cast, city, client, login
):
    own = client.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    seat_url = reverse("parliament-seat", kwargs={"slug": "comuna"})
    assert "Parlamento Comunal" in own and seat_url in own
    page = client.get(seat_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Consejo de la Ciudad" in text and "Ciudad" in text
    # the commune's body page links both
    body = client.get(reverse("body", kwargs={"slug": "comuna"})).content.decode()
    assert reverse("parliament", kwargs={"slug": "comuna"}) in body and seat_url in body
    # a council straight under the city holds no seat there: no page, no link
    loose = reverse("parliament-seat", kwargs={"slug": "consejo-suelto"})
    assert client.get(loose).status_code == 404
    assert (
        loose not in client.get(reverse("body", kwargs={"slug": "consejo-suelto"})).content.decode()
    )


def test_a_commune_electoral_commission_reaches_its_city_forms_from_its_seat_page(
    cast, city, login
):
    commission = services.create_organ(
        cast.commune, kind=OrganKind.ELECTORAL, name="Comisión Electoral Comunal", by=SETUP
    )
    member = make_resident(cast.council, "Electoral Comunal", username="electoral-comunal")
    services.confer_mandate(
        cast.commune, member, kind=MandateKind.SPOKESPERSON, organ=commission, by=SETUP
    )
    client = login(member.user)
    page = client.get(reverse("parliament-seat", kwargs={"slug": "comuna"})).content.decode()
    elect = reverse("parliament-elect", kwargs={"slug": "comuna"})
    assert elect in page
    form = client.get(elect)
    assert form.status_code == 200
    # the choice is among the commune's own spokespersons (public names), not its registers
    text = form.content.decode()
    assert "Parlamentaria" in text  # council A's spokesperson in the commune's parliament
    assert "Residente" not in text  # a council voter who holds no commune mandate
