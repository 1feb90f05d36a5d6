"""The commune-wide budget's pages and API (issue 15, point 4): the form of a commune's cycle
offers one district per council plus a pot and refuses bad input naming the district; a
resident's ballot page holds exactly their council's district and the pot, in one form with
one receipt, and refuses a ballot in another council's district; the outcome page per
district and overall; the API's districts say who votes; the plan pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.cycles import budgets
from comuna.cycles.models import Budget, Project
from comuna.voting.models import Poll
from tests.conftest import ballots_cast
from tests.cycles.pages_budgets import settings_form
from tests.federation.test_commune_budget import World, keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, client):
    client.cookies["django_language"] = "en"
    return World(cast)


def _form_data(world, **changes):
    data = settings_form(amount="", title="Presupuesto comunal 2027")
    for council in (world.a, world.b, world.c):
        data[f"member_{council.pk}_amount"] = "1000"
        data[f"member_{council.pk}_projects"] = [str(p.pk) for p in world.included[council]]
    data["pot_name"] = "Toda la comuna"
    data["pot_amount"] = "2000"
    data["pot_projects"] = [str(p.pk) for p in world.own]
    data.update(changes)
    return data


def _new_url(world):
    return reverse("budget-new", kwargs={"slug": world.commune.slug, "pk": world.cycle.pk})


def test_the_form_offers_a_district_per_council_and_a_pot_and_makes_them(world, login):
    client = login(world.electoral.user)
    page = client.get(_new_url(world)).content.decode()
    for council in (world.a, world.b, world.c):
        assert f'name="member_{council.pk}_amount"' in page
        assert f"District of {council.name}" in page
    assert 'name="pot_amount"' in page
    # each council's own projects ticked in its district, the commune's own in the pot
    pattern = rf'name="member_{world.b.pk}_projects" value="(\d+)"[^>]*checked'
    ticked = re.findall(pattern, page)
    assert ticked == [str(p.pk) for p in world.included[world.b]]
    response = client.post(_new_url(world), _form_data(world))
    budget = Budget.objects.get()
    assert response.status_code == 302
    assert [(d.name, d.voters_body, d.poll.body) for d in budget.districts.all()] == [
        ("Consejo 3", world.c, world.c),  # the members by name
        ("Consejo A", world.a, world.a),
        ("Consejo B", world.b, world.b),
        ("Toda la comuna", None, world.commune),
    ]
    assert budget.amount == Decimal("5000")
    # editing the draft shows the same shape back
    edit = client.get(reverse("budget-edit", kwargs={"slug": world.commune.slug, "pk": budget.pk}))
    assert f'name="member_{world.c.pk}_amount" value="1000.00"' in edit.content.decode()


@pytest.mark.parametrize(
    "change, message",
    [
        ("amount_missing", "The budget of Consejo B must be an amount of money"),
        ("one_project", "Consejo A needs at least two feasible projects"),
        ("twice", "is in two districts: Consejo A and Toda la comuna"),
        ("both_shapes", "not both"),
    ],
)
def test_bad_input_is_refused_naming_the_district_and_saves_nothing(world, login, change, message):
    a_first = str(world.included[world.a][0].pk)
    changes = {
        "amount_missing": {f"member_{world.b.pk}_amount": ""},
        "one_project": {f"member_{world.a.pk}_projects": [a_first]},
        "twice": {"pot_projects": [str(p.pk) for p in world.own] + [a_first]},
        "both_shapes": {
            "district_0_name": "Norte",
            "district_0_amount": "100",
            "district_0_projects": [str(p.pk) for p in world.own],
        },
    }[change]
    before = Poll.objects.count()
    response = login(world.electoral.user).post(_new_url(world), _form_data(world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Budget.objects.count(), Poll.objects.count()) == (0, before)


# --- the ballot ------------------------------------------------------------------------------


@pytest.fixture
def budget(world):
    return budgets.open(world.budget(), by=world.electoral.user)


def _vote_url(budget):
    return reverse("budget-vote", kwargs={"slug": budget.body.slug, "pk": budget.pk})


def test_the_ballot_page_holds_exactly_the_councils_district_and_the_pot(
    world, cast, budget, login
):
    a, b, c, pot = world.every_district(budget)
    page = login(cast.resident.user).get(_vote_url(budget)).content.decode()
    assert page.count("<form") >= 1 and page.count('class="budget-district"') == 2
    assert f'id="district-{a.pk}"' in page and f'id="district-{pot.pk}"' in page
    assert f'id="district-{b.pk}"' not in page and f'id="district-{c.pk}"' not in page
    assert "only the residents of Consejo A vote here" in page
    response = login(cast.resident.user).post(
        _vote_url(budget),
        {f"d{a.pk}-choice": keys(a)[:1], f"d{pot.pk}-choice": keys(pot), "cast": "1"},
    )
    assert response.status_code == 200
    codes = re.findall(
        r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", response.content.decode()
    )
    assert len(set(codes)) == 1
    assert ballots_cast(a.poll) == [keys(a)[:1]] and ballots_cast(pot.poll) == [keys(pot)]


def test_a_ballot_in_another_councils_district_is_refused_with_why(world, cast, budget, login):
    a, b = budget.districts.get(voters_body=world.a), budget.districts.get(voters_body=world.b)
    response = login(cast.resident.user).post(
        _vote_url(budget),
        {f"d{a.pk}-choice": keys(a)[:1], f"d{b.pk}-choice": keys(b)[:1], "cast": "1"},
    )
    assert response.status_code == 400
    assert "You do not vote in Consejo B: only the residents of Consejo B" in (
        response.content.decode()
    )
    assert ballots_cast() == []


# --- the outcome and the API -----------------------------------------------------------------


def test_the_outcome_page_and_the_api_per_district_and_overall(world, cast, budget, login, client):
    a, b, c, pot = world.every_district(budget)
    budgets.cast(budget, user=cast.resident.user, choices={a.pk: keys(a)[1:], pot.pk: keys(pot)})
    budgets.cast(budget, user=cast.outsider.user, choices={b.pk: keys(b)[:1]})
    budgets.cast(budget, user=world.c_voter.user, choices={c.pk: keys(c)[:1]})
    budget = budgets.count(budget, by=world.electoral.user)
    found = budgets.outcome(budget)
    whole = budgets.overall(budget, found)
    page = client.get(reverse("budget", kwargs={"slug": "comuna", "pk": budget.pk}))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="overall"' in text
    for district in (a, b, c, pot):
        assert f'id="why-{district.pk}"' in text and f'id="compare-{district.pk}"' in text
        assert f"?district={district.pk}" in text
    assert "Voted by the residents of Consejo B." in text
    assert "Voted by every voter of Comuna." in text
    assert 'id="overall-members"' in text and "Comuna itself" in text
    api = client.get(f"/api/v1/bodies/comuna/budgets/{budget.pk}/").json()
    assert [d["voters_body"] for d in api["districts"]] == [
        {"slug": "consejo-a", "name": "Consejo A"},
        {"slug": "consejo-b", "name": "Consejo B"},
        {"slug": "consejo-3", "name": "Consejo 3"},
        None,
    ]
    assert Decimal(str(api["overall"]["spent"])) == whole.spent
    assert Decimal(str(api["overall"]["amount"])) == Decimal("5000")
    members = {(m["body"] or {}).get("slug"): m["funded"] for m in api["overall"]["per_member"]}
    assert members["consejo-a"] == [
        p.entry.key for o in whole.origins if o.body == world.a for p in o.projects
    ]
    export = client.get(
        reverse("budget-export", kwargs={"slug": "comuna", "pk": budget.pk}),
        {"district": c.pk},
    )
    assert export.status_code == 200 and "C1" in export.content.decode()


# --- the plan pages --------------------------------------------------------------------------


def test_the_plan_page_lists_per_council_and_the_council_project_links_to_it(world, client):
    page = client.get(reverse("plan", kwargs={"slug": "comuna", "pk": world.cycle.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    for council in (world.a, world.b, world.c):
        assert f'id="member-{council.pk}"' in text
        for copy in world.included[council]:
            assert reverse("project", kwargs={"slug": "comuna", "pk": copy.pk}) in text
    source = world.sources[world.b][0]
    own = client.get(reverse("project", kwargs={"slug": "consejo-b", "pk": source.pk}))
    assert "In the plan of Comuna." in own.content.decode()
    copy = world.included[world.b][0]
    assert reverse("project", kwargs={"slug": "comuna", "pk": copy.pk}) in own.content.decode()


def test_the_executive_unit_includes_a_project_on_the_include_page(world, login):
    from tests.federation.test_commune_budget import feasible

    (extra,) = feasible(world.sources[world.a][0].cycle, ("A3", 250))
    url = reverse("plan-include", kwargs={"slug": "comuna", "pk": world.cycle.pk})
    client = login(world.coordinator.user)
    assert f'value="{extra.pk}"' in client.get(url).content.decode()
    assert client.post(url, {"project": extra.pk}).status_code == 302
    assert Project.objects.filter(cycle=world.cycle, source=extra).count() == 1
    again = client.post(url, {"project": extra.pk})
    assert again.status_code == 400 and "already in the plan of Comuna" in again.content.decode()
    assert client.post(url, {"project": "x"}).status_code == 400
    assert Project.objects.filter(cycle=world.cycle, source=extra).count() == 1


def test_a_residents_home_lists_the_commune_budget_once_linking_to_its_one_ballot(
    world, login, cast
):
    """Two polls wait for a resident of council A (A's district and the commune-wide pot):
    the home page lists the budget once, linking to its ballot page, not to either poll."""
    budget = budgets.open(world.budget(), by=world.electoral.user)
    page = login(cast.resident.user).get("/").content.decode()
    vote = reverse("budget-vote", kwargs={"slug": budget.body.slug, "pk": budget.pk})
    assert page.count(f'href="{vote}"') == 1
    for district in budget.districts.all():
        assert f"/polls/{district.poll_id}/" not in page
