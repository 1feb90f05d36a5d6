"""The dashboard's page and API: the same figures as the service, a suppressed count never
written as a number, public under the statute's ``cycle_public``, none for a council."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from comuna.federation import dashboard
from comuna.federation.dashboard import PEOPLE
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.federation.dashboard_world import commune_world

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# the page's name for each figure of the service (data-cell="<key> <name>")
CELLS = {"register": "register", "reporters": "reporters", "ballots": "ballots"}
CELLS |= {"eligible": "eligible", "turnout": "turnout"}
# and the API's
FIELDS = {name: name for name in (*PEOPLE, "turnout")} | {"register": "registered"}


@pytest.fixture
def world(cast):
    return commune_world(cast)


def cells(page: str) -> dict[str, str]:
    """Each named cell's text: ``"<key> <figure>" -> text``."""
    found = re.findall(r'data-cell="([^"]+)">(.*?)</td>', page, re.S)
    return {key: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for key, text in found}


def keyed_rows(board) -> dict[str, dashboard.Row]:
    found = {"total": board.total}
    for row in board.total.walk():
        if row is not board.total:
            found[f"{row.body.slug}-own" if row.own else row.body.slug] = row
    return found


def test_the_page_shows_each_figure_and_hides_each_suppressed_one(world, client):
    page = client.get(reverse("dashboard", kwargs={"slug": "comuna"}), **EN).content.decode()
    shown = cells(page)
    board = dashboard.dashboard(world.commune)
    checked = 0
    for key, row in keyed_rows(board).items():
        for name in (*PEOPLE, "turnout"):
            figure = getattr(row, name)
            text = shown[f"{key} {CELLS[name]}"]
            if figure.suppressed:
                # no number where the figure would be, nor in what a reader is told
                assert not re.search(r"\d", text), (key, name, text)
                assert text == "hidden*"
                checked += 1
            elif figure.value is not None:
                assert text.startswith(str(figure.value)), (key, name, text)
    assert checked == 11  # A: ballots, turnout; B: 4 and turnout; C: all 5
    assert shown["total register"] == "17" and shown["total turnout"] == "47.1%"
    assert shown["consejo-a register"] == "8"
    # the suppressed values themselves (C's 3 on the register, B's 6, A's 1 ballot...) are not
    # in C's, B's or A's cells; 3 and 6 are in no participation cell at all
    participation = page[page.index('id="participation"') : page.index('id="needs-title"')]
    figures = re.findall(r'data-cell="[^"]+">(.*?)</td>', participation, re.S)
    assert not {"3", "6", "1", "2", "4"} & {re.sub(r"<[^>]+>", "", f).strip() for f in figures}
    assert "fewer than 5 people" in page


def test_the_page_shows_the_money_exactly_per_currency(world, client):
    page = cells(client.get(reverse("dashboard", kwargs={"slug": "comuna"}), **EN).content.decode())
    assert page["total received VES"] == "VES\xa07,250.10"
    assert page["total received USD"] == "US$\xa00.30"
    assert page["total spent USD"] == "US$\xa00.70"


def test_the_statute_s_threshold_is_the_one_the_page_states(world, client):
    statutes.amend(world.commune, {"dashboard_min_count": 10}, by=SETUP)
    page = client.get(reverse("dashboard", kwargs={"slug": "comuna"}), **EN).content.decode()
    assert "fewer than 10 people" in page
    found = cells(page)
    assert found["consejo-a register"] == "hidden*"  # 8 < 10
    assert found["total register"] == "17"


def test_the_api_gives_the_same_figures_with_suppressed_ones_null(world, client):
    data = client.get("/api/v1/bodies/comuna/dashboard/", headers={"Accept-Language": "en"})
    assert data.status_code == 200
    data = data.json()
    board = dashboard.dashboard(world.commune)
    rows = {"total": data["total"]} | {
        (f"{r['body']}-own" if r["own"] else r["body"]): r for r in data["total"]["members"]
    }
    suppressed = 0
    for key, row in keyed_rows(board).items():
        for name, field in FIELDS.items():
            figure, answer = getattr(row, name), rows[key][field]
            if figure.suppressed:
                assert answer == {"value": None, "suppressed": True}, (key, name)
                suppressed += 1
            else:
                value = str(figure.value) if name == "turnout" and figure.shown else figure.value
                assert answer == {"value": value, "suppressed": False}, (key, name)
    assert suppressed == 11
    assert data["min_count"] == 5 and data["currencies"] == ["VES", "USD"]
    assert data["total"]["money"][1] == {
        "currency": "USD",
        "allocated": "2000.00",
        "received": "0.30",
        "spent": "0.70",
    }
    c = rows["consejo-c"]
    # C's 3 on the register, 2 ballots, 1 reporter: nowhere in its row's people figures
    people = [c[f]["value"] for f in ("registered", "reporters", "ballots", "eligible")]
    assert people == [None, None, None, None]
    assert data["total"]["needs_by_category"][0] == {"code": "water", "label": "Water", "count": 6}


def test_a_council_has_no_dashboard_page_nor_operation(cast, client):
    assert client.get(reverse("dashboard", kwargs={"slug": "consejo-a"})).status_code == 404
    assert client.get("/api/v1/bodies/consejo-a/dashboard/").status_code == 404
    assert client.get("/api/v1/bodies/nowhere/dashboard/").status_code == 404
    assert client.get(reverse("dashboard", kwargs={"slug": "ciudad"})).status_code == 200


def test_the_commune_and_city_pages_link_their_dashboards_and_a_council_s_does_not(cast, client):
    for body in (cast.commune, cast.city):
        page = client.get(reverse("body", kwargs={"slug": body.slug})).content.decode()
        assert f'href="/b/{body.slug}/dashboard/"' in page
    page = client.get(reverse("body", kwargs={"slug": "consejo-a"})).content.decode()
    assert "/dashboard/" not in page


def test_a_commune_that_keeps_its_cycle_to_members_keeps_its_dashboard_to_them(cast, client, login):
    statutes.amend(cast.commune, {"cycle_public": False}, by=SETUP)
    url = reverse("dashboard", kwargs={"slug": "comuna"})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/v1/bodies/comuna/dashboard/").status_code == 401
    # a resident of council B is a member of the commune
    assert login(cast.outsider.user).get(url).status_code == 200


def test_the_operation_documents_suppression():
    from comuna.api.app import api

    document = api.get_openapi_schema()
    operation = document["paths"]["/api/v1/bodies/{slug}/dashboard/"]["get"]
    assert "suppressed" in operation["description"]
    assert "complementary suppression" in operation["description"]


def test_a_shown_turnout_is_drawn_and_a_hidden_one_is_not(cast, client):
    """The commune's own poll (5 of 15) is shown and drawn; B's (1 of 1) and C's (2 of 6)
    polls are hidden: written as hidden in the chart, with no bar."""
    from tests.conftest import add_voters
    from tests.federation.dashboard_world import council, counted_poll

    voters = add_voters(council(cast, "Consejo C", "consejo-c"), 6, "cv")
    counted_poll(cast.commune, voters, 5)
    counted_poll(cast.other, [cast.outsider.user], 1)
    counted_poll(type(cast.commune).objects.get(slug="consejo-c"), voters, 2)
    page = client.get(reverse("dashboard", kwargs={"slug": "comuna"}), **EN).content.decode()
    chart = page[page.index('id="chart-turnout"') : page.index("</figure>")]
    assert chart.count('<rect class="turnout"') == 1
    assert '<rect class="turnout" x="0" y="18" width="33.3"' in chart
    assert chart.count(">33.3%</text>") == 1 and chart.count(">hidden*</text>") == 2
    found = cells(page)
    assert found["comuna-own turnout"] == "33.3%"
    assert found["consejo-b turnout"] == found["consejo-c turnout"] == "hidden*"
