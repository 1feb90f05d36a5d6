"""The budgets API: the list and a budget with its funded ids as in the .pb file, the
explanations and the comparison, deviations, the .pb file, and the statute's visibility."""

from __future__ import annotations

import pytest

from comuna.cycles import budgets
from comuna.cycles.models import BudgetStatus
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.factories import budget_in
from tests.cycles.test_budgets import BALLOTS

pytestmark = pytest.mark.django_db

BODIES = "/api/v1/bodies"


@pytest.fixture
def counted(cast):
    budget = budget_in(cast, BudgetStatus.OPEN)
    district = budget.districts.get()
    for persona, choices in BALLOTS.items():
        budgets.cast(budget, user=getattr(cast, persona).user, choices={district.pk: choices})
    return budgets.count(budget, by=cast.electoral.user)


def test_a_counted_budget_gives_its_funded_ids_as_in_the_pb_file(cast, client, counted):
    response = client.get(f"{BODIES}/{cast.council.slug}/budgets/{counted.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == counted.pk and data["rule"] == "mes-cost-complete"
    assert data["budget"] == "5000.00" and data["status"]["code"] == "counted"
    assert data["funded"] == budgets.funded(counted) == ["1", "3"]
    (district,) = data["districts"]
    assert district["funded"] == ["1", "3"] and district["amount"] == "5000.00"
    assert district["comparison"]["greedy-cost"] == ["1", "2"]
    cancha = next(p for p in district["projects"] if p["id"] == "2")
    assert cancha["funded"] is False and cancha["votes"] == 4 and cancha["why"]
    assert data["constraints"]["min_projects"] == 1 and data["deviations"] == []


def test_the_list_pages_by_id(cast, client, counted):
    other = budget_in(cast, BudgetStatus.DRAFT)
    url = f"{BODIES}/{cast.council.slug}/budgets/"
    first = client.get(url, {"limit": 1}).json()
    assert [b["id"] for b in first["items"]] == [counted.pk]
    assert first["items"][0]["funded"] == ["1", "3"]
    second = client.get(url, {"limit": 1, "after": first["next_after"]}).json()
    assert [b["id"] for b in second["items"]] == [other.pk] and second["next_after"] is None


def test_the_pb_file(cast, client, counted):
    response = client.get(f"{BODIES}/{cast.council.slug}/budgets/{counted.pk}/export.pb")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("META")


def test_a_closed_statute_keeps_budgets_from_visitors_and_strangers(cast, client, counted):
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = f"{BODIES}/{cast.council.slug}/budgets/{counted.pk}/"
    assert client.get(url).status_code == 401
    client.force_login(cast.outsider.user)
    assert client.get(url).status_code == 403
    client.force_login(cast.resident.user)
    assert client.get(url).status_code == 200


def test_another_bodys_budget_is_not_found(cast, client, counted):
    response = client.get(f"{BODIES}/{cast.other.slug}/budgets/{counted.pk}/")
    assert response.status_code == 404
