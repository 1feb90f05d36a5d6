"""The budget pages: the form makes a budget, the ballot's total without JavaScript ("Update the
total" re-renders with the total and casts nothing), casting shows one receipt code, the
counted budget explains itself and compares rules, and the .pb download."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.cycles import budgets
from comuna.cycles.models import Budget, BudgetStatus, CyclePhase
from comuna.territory import statutes
from comuna.voting.models import BoxedBallot, Voter
from tests.conftest import SETUP
from tests.cycles.factories import budget_in, cycle_in
from tests.cycles.pages_budgets import _with_feasible, settings_form
from tests.cycles.test_budgets import BALLOTS, projects_of

pytestmark = pytest.mark.django_db


def _url(name, budget, **extra):
    return reverse(name, kwargs={"slug": budget.body.slug, "pk": budget.pk, **extra})


def test_the_form_makes_a_draft_budget_with_districts(cast, login):
    cycle = cycle_in(cast, CyclePhase.BUDGET)
    north = projects_of(cycle, 1000, 800, titles=["Norte A", "Norte B"])
    south = projects_of(cycle, 900, 700, titles=["Sur A", "Sur B"])
    client = login(cast.electoral.user)
    url = reverse("budget-new", kwargs={"slug": cast.council.slug, "pk": cycle.pk})
    form = client.get(url)
    assert form.status_code == 200 and 'name="district_0_name"' in form.content.decode()
    data = settings_form(
        amount="",
        district_0_name="Norte",
        district_0_amount="1500",
        district_0_projects=[str(p.pk) for p in north],
        district_1_name="Sur",
        district_1_amount="1000",
        district_1_projects=[str(p.pk) for p in south],
    )
    response = client.post(url, data)
    budget = Budget.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("budget", budget)
    assert budget.amount == Decimal("2500")
    assert [d.name for d in budget.districts.all()] == ["Norte", "Sur"]


def test_a_refused_form_says_why_and_saves_nothing(cast, login):
    cycle = cycle_in(cast, CyclePhase.BUDGET)
    _with_feasible(cast, cycle)
    url = reverse("budget-new", kwargs={"slug": cast.council.slug, "pk": cycle.pk})
    client = login(cast.electoral.user)
    client.cookies["django_language"] = "en"
    response = client.post(url, settings_form(amount="1000"))
    assert response.status_code == 400
    assert "more than the whole budget" in response.content.decode()
    assert not Budget.objects.exists()


@pytest.fixture
def open_budget(cast):
    return budget_in(cast, BudgetStatus.OPEN)


def test_update_the_total_without_javascript_rerenders_the_total_and_casts_nothing(
    cast, login, open_budget
):
    district = open_budget.districts.get()
    client = login(cast.resident.user)
    client.cookies["django_language"] = "en"
    response = client.post(
        _url("budget-vote", open_budget), {f"d{district.pk}-choice": ["1", "3"], "update": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="total-updated"' in page
    assert "4,500.00" in page  # Tanque 3,000 + Biblioteca 1,500
    # the choices are kept
    assert f'name="d{district.pk}-choice" value="1" checked' in page
    assert f'name="d{district.pk}-choice" value="3" checked' in page
    assert f'name="d{district.pk}-choice" value="2" checked' not in page
    assert not BoxedBallot.objects.exists()
    assert not Voter.objects.filter(has_voted=True).exists()


def test_casting_shows_one_receipt_code(cast, login, open_budget):
    district = open_budget.districts.get()
    response = login(cast.resident.user).post(
        _url("budget-vote", open_budget), {f"d{district.pk}-choice": ["2"], "cast": "1"}
    )
    assert response.status_code == 200
    assert 'id="receipt-code"' in response.content.decode()
    assert Voter.objects.get(user=cast.resident.user, poll=district.poll).has_voted


def test_a_refused_ballot_shows_why_and_keeps_the_choices(cast, login, open_budget):
    response = login(cast.resident.user).post(_url("budget-vote", open_budget), {"cast": "1"})
    assert response.status_code == 400
    assert 'id="ballot-error"' in response.content.decode()
    assert not BoxedBallot.objects.exists()


@pytest.fixture
def counted(cast, open_budget):
    district = open_budget.districts.get()
    for persona, choices in BALLOTS.items():
        budgets.cast(open_budget, user=getattr(cast, persona).user, choices={district.pk: choices})
    return budgets.count(open_budget, by=cast.electoral.user)


def test_the_counted_budget_explains_each_project_and_compares_rules_in_spanish(
    cast, client, counted
):
    client.cookies["django_language"] = "es"
    response = client.get(_url("budget", counted))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="funded"' in page and 'id="compare-' in page
    assert "Sus partidarios no pudieron pagarlo" in page
    assert 'class="differs"' in page
    assert "mes-cost-complete" not in page  # rules are named in words, never by code


def test_the_budget_page_is_for_members_when_the_statute_says_so(cast, client, counted):
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    response = client.get(_url("budget", counted))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_pb_export_is_a_text_attachment(cast, client, counted):
    response = client.get(_url("budget-export", counted))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="budget-{counted.pk}.pb"'
    text = response.content.decode()
    assert text.startswith("META") and "PROJECTS" in text and "VOTES" in text


def test_a_budget_of_several_districts_exports_one_district_at_a_time(cast, client):
    cycle = cycle_in(cast, CyclePhase.BUDGET)
    north = projects_of(cycle, 1000, 800)
    south = projects_of(cycle, 900, 700)
    budget = budgets.create(
        cycle,
        title="Por sectores",
        ballot_kind="approval",
        districts=[
            {"name": "Norte", "amount": "1500", "projects": north},
            {"name": "Sur", "amount": "1000", "projects": south},
        ],
        by=SETUP,
    )
    response = client.get(_url("budget-export", budget))
    assert response.status_code == 400
    first, second = budget.districts.all()
    assert f"?district={first.pk}" in response.content.decode()
    response = client.get(_url("budget-export", budget) + f"?district={second.pk}")
    assert response.status_code == 200
    assert f"budget-{budget.pk}-{second.pk}.pb" in response["Content-Disposition"]
