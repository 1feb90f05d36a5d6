"""What an anonymous visitor sees (the federation, each body's public page) and what waits for
a member on their home page."""

import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from comuna.voting import services as voting
from comuna.voting.models import Poll


def _poll(cast, title, *, phase="open", body=None, voters=()):
    poll = voting.create_poll(
        body or cast.council,
        title=title,
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )
    if phase in ("open", "closed"):
        voting.open_poll(poll, by=cast.electoral.user)
        for user in voters:
            voting.cast(poll, user, ["1"])
    if phase == "closed":
        voting.close_poll(poll, by=cast.electoral.user)
    return Poll.objects.get(pk=poll.pk)


def test_a_visitor_home_shows_the_federation_tree_each_body_linked(cast, client):
    page = client.get("/").content.decode()
    tree = page[page.index('<ul class="tree">') :]
    city, commune, council_a, council_b = (
        tree.index(f'<a href="/b/{b.slug}/">{b.name}</a>')
        for b in (cast.city, cast.commune, cast.council, cast.other)
    )
    assert city < commune < council_a < council_b
    # the councils are nested in the commune's list, which is nested in the city's
    assert tree[city:council_a].count('<ul class="tree">') == 2


def test_a_visitor_reads_a_council_public_page(cast, client):
    _poll(cast, "¿Pintamos la casa comunal?", phase="closed", voters=[cast.resident.user])
    _poll(cast, "Consulta abierta")
    response = client.get(reverse("body", kwargs={"slug": cast.council.slug}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vocera Prueba" in page and "Comité de Salud" in page  # spokespersons are public
    assert "Edad para votar" in page and "15 años" in page  # the statute in words
    assert "¿Pintamos la casa comunal?" in page and "Opción ganadora: Sí" in page
    results = re.search(r'href="(/b/consejo-a/polls/\d+/results/)"', page)
    assert client.get(results[1]).status_code == 200
    assert "Consulta abierta" not in page  # an open poll is for its members
    assert 'href="/b/consejo-a/ledger/"' in page


def test_a_visitor_sees_nothing_of_the_census(cast, client):
    page = client.get(reverse("body", kwargs={"slug": cast.council.slug})).content.decode()
    assert "Residente Prueba" not in page  # a resident without a mandate
    assert "Calle" not in page  # addresses
    assert "register/" not in page and "census/" not in page and "polls/" not in page
    assert "residente" not in page.lower().split("<footer")[0].split("<main")[1]


def test_the_page_of_a_body_that_does_not_exist_is_not_found(db, client):
    assert client.get("/b/no-existe/").status_code == 404


def test_a_member_home_lists_the_open_polls_waiting_for_their_vote(cast, login):
    waiting = _poll(cast, "Jornada de limpieza")
    done = _poll(cast, "Ya votada", voters=[cast.resident.user])
    _poll(cast, "Borrador", phase="draft")
    _poll(cast, "Cerrada", phase="closed")
    _poll(cast, "De otro consejo", body=cast.other)
    page = login(cast.resident.user).get("/").content.decode()
    assert "Te esperan" in page
    assert f'<a href="/b/consejo-a/polls/{waiting.pk}/">Jornada de limpieza</a>' in page
    with translation.override("es"):
        opened = formats.date_format(waiting.opened_on)
    assert f"Abierta desde el {opened}" in page
    for title in ("Ya votada", "Borrador", "Cerrada", "De otro consejo"):
        assert title not in page
    assert done.pk  # voted: off the list
    assert page.index("Te esperan") < page.index("Tus instancias")


@pytest.mark.parametrize("persona", ["outsider", "substitute"])
def test_a_poll_waits_only_for_those_on_its_register(cast, login, persona):
    poll = _poll(cast, "Jornada de limpieza")
    page = login(cast.user(persona)).get("/").content.decode()
    on_register = persona != "outsider"
    assert (f"/polls/{poll.pk}/" in page) == on_register


def test_a_member_with_nothing_waiting_sees_their_bodies_first(cast, login):
    page = login(cast.resident.user).get("/").content.decode()
    assert "<h1>Tus instancias</h1>" in page and "Te esperan" not in page


def test_a_login_in_no_census_is_told_so_and_sees_the_federation(cast, login):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("recien-llegada")
    page = login(stranger).get("/").content.decode()
    assert "Todavía no estás inscrito en el censo" in page
    assert f'<a href="/b/{cast.city.slug}/">{cast.city.name}</a>' in page
