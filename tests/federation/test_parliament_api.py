"""GET /api/v1/bodies/{slug}/parliament/: public, like the page."""

from __future__ import annotations

from django.urls import reverse

from comuna.federation import initiatives, ratifications
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import in_session
from tests.federation.test_parliament_pages import voted  # noqa: F401 - a fixture


def test_the_api_gives_seats_votes_flags_and_ratifications(cast, federation, voted, client):  # noqa: F811
    ratifications.require_ratification(voted, cast.council, in_session(cast.council), by=SETUP)
    initiatives.raise_matter(
        cast.commune, title="Agua", member=cast.other, assembly=in_session(cast.other), by=SETUP
    )
    url = reverse("api-v1:api-parliament", kwargs={"slug": "comuna"})
    data = client.get(url).json()
    assert [s["member"] for s in data["seats"]] == ["consejo-a", "consejo-b", None, None]
    assert data["seats"][2]["label"] == "Cooperativa El Maizal"
    assert data["seats"][0]["principal"]["mandate"] == federation.a_principal.pk
    assert data["seats"][0]["substitute"]["mandate"] == federation.a_substitute.pk
    [decision] = data["decisions"]
    flags = {v["member"]: v["against_instruction"] for v in decision["votes"]}
    assert flags == {"consejo-a": True, "consejo-b": False}
    [required] = decision["ratifications"]
    assert (required["member"], required["status"]["code"], required["binding"]) == (
        "consejo-a",
        "proposed",
        "not_yet_binding",
    )
    [matter] = data["initiatives"]
    assert (matter["carried"], matter["threshold"], matter["members"]) == (0, 2, 2)
    assert data["instructions"][0]["member"] == "consejo-a"


def test_a_body_with_no_parliament_is_not_found(cast, client):
    url = reverse("api-v1:api-parliament", kwargs={"slug": "consejo-a"})
    assert client.get(url).status_code == 404
