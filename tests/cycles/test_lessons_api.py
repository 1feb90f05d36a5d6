"""``GET /api/v1/lessons/``: the lessons the caller may read (the public ones for an anonymous
caller), searched and filtered as the archive's page does, in numbered pages; bad filters
refused with the field named, hostile queries harmless."""

import pytest

from comuna.cycles.models import ExecutionStatus
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.lesson_factories import WATER, lesson_in

URL = "/api/v1/lessons/"
ROAD = {
    "title": "Asfaltado de la calle 5",
    "description": "Tapar huecos y asfaltar 200 metros.",
    "category": "roads",
    "place": "Sector El Cují",
}


def _titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["project"]["title"] for item in response.json()["items"])


def test_a_lesson_is_served_with_its_project_figures_and_every_field(cast, client):
    lesson = lesson_in(cast, project=WATER, advice="Pedir el permiso antes.")
    answer = client.get(URL, {"q": "tuberia"}).json()
    assert answer["count"] == 1 and answer["page"] == 1 and answer["next_page"] is None
    [item] = answer["items"]
    assert item["id"] == lesson.pk and item["url"] == f"/lessons/{lesson.pk}/"
    assert item["body"] == {"slug": "consejo-a", "name": "Consejo A"}
    assert item["project"]["title"] == "Tubería de la calle 3"
    assert item["project"]["category"]["code"] == "water"
    assert item["outcome"]["code"] == "done"
    assert item["estimate"] == "3000.00" and item["spent"] == "0.00"
    assert item["advice"] == "Pedir el permiso antes."
    assert set(item) >= {"what_happened", "what_worked", "what_did_not", "cost_note"}


@pytest.mark.parametrize("query", ["tubería", "tuberia", "TUBERÍA"])
def test_the_api_finds_a_lesson_by_a_word_with_or_without_accents(cast, client, query):
    lesson_in(cast, project=WATER)
    lesson_in(cast, project=ROAD)
    assert _titles(client.get(URL, {"q": query})) == ["Tubería de la calle 3"]


def test_the_api_filters(cast, client):
    lesson_in(cast, project=WATER)
    lesson_in(cast, status=ExecutionStatus.ABANDONED, project={**ROAD, "cost": "800"})
    assert _titles(client.get(URL, {"category": "roads"})) == ["Asfaltado de la calle 5"]
    assert _titles(client.get(URL, {"outcome": "done"})) == ["Tubería de la calle 3"]
    assert _titles(client.get(URL, {"min_cost": "1000"})) == ["Tubería de la calle 3"]
    assert _titles(client.get(URL, {"max_cost": "800.00"})) == ["Asfaltado de la calle 5"]
    assert _titles(client.get(URL, {"place": "cují"})) == ["Asfaltado de la calle 5"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"min_cost": "mucho"}, "min_cost"),
        ({"max_cost": "1e400"}, "max_cost"),
        ({"category": "nonsense"}, "category"),
        ({"outcome": "maybe"}, "outcome"),
        ({"page": "0"}, "page"),
        ({"limit": "1000"}, "limit"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(cast, client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "query", ['"', "*", "OR", "NEAR(", "'", "x" * 10000, "tubería OR 1=1", "tu\x00bería"]
)
def test_a_hostile_query_gives_results_or_none(cast, client, query):
    lesson_in(cast, project=WATER)
    assert client.get(URL, {"q": query}).status_code == 200
    assert client.get(URL, {"place": query[:200]}).status_code == 200


def test_pages_are_numbered(cast, client):
    lesson_in(cast, project=WATER)
    lesson_in(cast, project={**WATER, "title": "Tubería de la escuela"})
    first = client.get(URL, {"q": "tubería", "limit": 1}).json()
    assert first["count"] == 2 and first["next_page"] == 2
    second = client.get(URL, {"q": "tubería", "limit": 1, "page": 2}).json()
    assert second["next_page"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {
        *(item["id"] for item in client.get(URL).json()["items"])
    }


def test_a_lesson_of_a_closed_body_is_served_to_its_members_only(cast, client, login):
    lesson_in(cast, body=cast.other, project=WATER)
    statutes.amend(cast.other, {"cycle_public": False}, by=SETUP)
    assert _titles(client.get(URL)) == []
    assert _titles(client.get(URL, {"q": "tubería"})) == []
    login(cast.resident.user)
    assert _titles(client.get(URL)) == []
    login(cast.outsider.user)
    assert _titles(client.get(URL)) == ["Tubería de la calle 3"]
