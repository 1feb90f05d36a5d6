"""Every page against every persona: who may see it, and who is refused.

Rows are views (GET) and form submissions (POST); columns are the personas of tests/conftest.py.
"allow" means 200 (or a redirect after a successful POST); anonymous visitors are sent to log
in; everybody else not allowed gets 403 and nothing changes.
"""

import pytest
from django.urls import reverse

from comuna.territory.models import CensusQuestion, Household, Resident
from tests.conftest import MEMBERS, PERSONAS

CENSUS_READERS = {"electoral", "comptroller", "admin"}
CENSUS_WRITERS = {"electoral", "admin"}


def body_url(name, cast, **kw):
    return reverse(name, kwargs={"slug": cast.council.slug, **kw})


PAGES = [
    ("body", lambda c: body_url("body", c), MEMBERS),
    ("register", lambda c: body_url("register", c), MEMBERS),
    ("census", lambda c: body_url("census", c), CENSUS_READERS),
    ("census-import", lambda c: body_url("census-import", c), CENSUS_WRITERS),
    ("household-new", lambda c: body_url("household-new", c), CENSUS_WRITERS),
    ("census-questions", lambda c: body_url("census-questions", c), CENSUS_WRITERS),
    ("household", lambda c: body_url("household", c, pk=c.household.pk), CENSUS_WRITERS),
    (
        "resident-new",
        lambda c: body_url("resident-new", c, household=c.household.pk),
        CENSUS_WRITERS,
    ),
    ("resident", lambda c: body_url("resident", c, pk=c.resident.pk), CENSUS_WRITERS),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(cast, login, persona, page):
    _name, url, allowed = page
    response = login(cast.user(persona)).get(url(cast))
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def _household_post(cast):
    return body_url("household-new", cast), {
        "code": "NEW-1",
        "address": "Calle Nueva 1",
        "tenure": "owned",
        "dwelling": "house",
    }


def _resident_post(cast):
    return body_url("resident-new", cast, household=cast.household.pk), {
        "given_name": "Nuevo",
        "family_name": "Vecino",
        "birth_date": "1990-01-01",
        "sex": "M",
        "resident_since": "2020-01-01",
    }


def _resident_edit_post(cast):
    r = cast.resident
    return body_url("resident", cast, pk=r.pk), {
        "given_name": "Cambiado",
        "family_name": r.family_name,
        "birth_date": "1980-05-17",
        "sex": "F",
        "resident_since": "2010-01-01",
    }


def _question_post(cast):
    return body_url("census-questions", cast), {
        "target": "household",
        "key": "food_bag",
        "label": "¿Bolsa de alimentos?",
        "kind": "yes_no",
        "position": 0,
    }


POSTS = [
    ("add household", _household_post),
    ("add resident", _resident_post),
    ("edit resident", _resident_edit_post),
    ("add census question", _question_post),
]


def _census_state():
    return (
        list(Household.objects.values_list("code", "address").order_by("pk")),
        list(Resident.objects.values_list("given_name", "family_name").order_by("pk")),
        list(CensusQuestion.objects.values_list("key", flat=True)),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("post", POSTS, ids=[p[0] for p in POSTS])
def test_census_changes(cast, login, persona, post):
    url, data = post[1](cast)
    before = _census_state()
    response = login(cast.user(persona)).post(url, data)
    if persona in CENSUS_WRITERS:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _census_state() != before
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/")
        assert _census_state() == before


def test_an_outsider_body_page_is_refused_but_their_own_is_open(cast, login):
    client = login(cast.outsider.user)
    assert client.get(reverse("body", kwargs={"slug": cast.other.slug})).status_code == 200
    assert client.get(reverse("body", kwargs={"slug": cast.council.slug})).status_code == 403


def test_residents_of_a_council_are_members_of_its_commune_and_city(cast, login):
    client = login(cast.resident.user)
    for body in (cast.commune, cast.city):
        assert client.get(reverse("body", kwargs={"slug": body.slug})).status_code == 200


def test_a_household_of_another_body_is_not_found_through_this_body(cast, login):
    foreign = cast.outsider.household
    response = login(cast.electoral.user).get(body_url("household", cast, pk=foreign.pk))
    assert response.status_code == 404


def test_profile_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", sorted(MEMBERS | {"outsider"}))
def test_home_lists_exactly_the_bodies_of_the_user(cast, login, persona):
    page = login(cast.user(persona)).get("/").content.decode()
    own = cast.other if persona == "outsider" else cast.council
    stranger = cast.council if persona == "outsider" else cast.other
    for body in (own, cast.commune, cast.city):
        assert f'href="/b/{body.slug}/"' in page
    assert f'href="/b/{stranger.slug}/"' not in page
