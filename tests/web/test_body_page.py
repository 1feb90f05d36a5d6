"""The body page: its spokespersons are the ones in office, and its cost does not grow with the
depth of the federation."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.territory.models import Body, BodyKind, Mandate, MandateKind
from tests.conftest import make_resident

# Measured on the cast's 3-level tree (city > commune > council), logged in as a resident:
# 20 before the federation tree was read by recursive queries (23 with three more levels, one
# query more per level), 17 after, at any depth.
# and one query each for the spokespersons' questions and accounts due, and one for the
# parliaments it has and holds a seat in (issue 15)
MAX_QUERIES = 21


def _page(client, body):
    return client.get(reverse("body", kwargs={"slug": body.slug}))


def _warm(client, body):
    """A first visit may still adopt the body's default statute: measure the next ones."""
    _page(client, body)
    return client


def test_the_body_page_of_a_council_runs_a_bounded_number_of_queries(
    cast, login, django_assert_max_num_queries
):
    client = _warm(login(cast.resident.user), cast.council)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert _page(client, cast.council).status_code == 200


def test_the_body_page_costs_the_same_however_deep_the_federation(
    cast, login, django_assert_max_num_queries, django_assert_num_queries
):
    """Three more levels above the city and three more councils below: same count."""
    client = _warm(login(cast.resident.user), cast.council)
    with django_assert_max_num_queries(MAX_QUERIES) as shallow:
        _page(client, cast.council)
    below = cast.city
    for level in range(3):
        above = Body.objects.create(name=f"Región {level}", slug=f"region-{level}", kind="other")
        Body.objects.filter(pk=below.pk).update(parent=above)
        below = above
    for n in range(3):
        Body.objects.create(
            name=f"Consejo {n}", slug=f"consejo-{n}", kind=BodyKind.COUNCIL, parent=cast.commune
        )
    client = login(cast.resident.user)
    with django_assert_num_queries(len(shallow.captured_queries)):
        page = _page(client, cast.council)
    assert all(f"/b/region-{level}/" in page.content.decode() for level in range(3))


def test_the_body_page_lists_only_mandates_in_force(cast, login):
    today = timezone.localdate()
    former = make_resident(cast.council, "Antigua")
    future = make_resident(cast.council, "Electa")
    for resident, starts, ends in [
        (former, today - timedelta(days=800), today - timedelta(days=1)),
        (future, today + timedelta(days=1), None),
    ]:
        Mandate.objects.create(
            body=cast.council,
            organ=cast.health,
            resident=resident,
            kind=MandateKind.SPOKESPERSON,
            starts_on=starts,
            ends_on=ends,
        )
    page = _page(login(cast.resident.user), cast.council).content.decode()
    assert "Vocera Prueba" in page and "Suplente Prueba" in page
    assert "Antigua" not in page and "Electa" not in page
