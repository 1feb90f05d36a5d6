"""The execution pages: the counted budget links each funded project to its execution page;
anyone reads it when the cycle is public (money against allocation, milestones, expenses) and
opens a receipt as the file it was checked to be; the financial unit's expense form refuses
bad input under its field with nothing stored; the team's forms; opening the executions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from comuna.cycles import execution
from comuna.cycles.models import Execution, ExecutionStatus, Expense
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.execution_fixtures import PDF, spend
from tests.cycles.pages_execution import expense_form

pytestmark = pytest.mark.django_db


def _url(name, target, **kwargs):
    return reverse(name, kwargs={"slug": target.budget.body.slug, "pk": target.pk, **kwargs})


def test_the_budget_links_each_funded_project_to_its_execution(cast, client, funded):
    tank = funded["Tanque"]
    page = client.get(reverse("budget", kwargs={"slug": "consejo-a", "pk": tank.budget_id}))
    assert page.status_code == 200
    html = page.content.decode()
    for found in funded.values():
        assert reverse("execution", kwargs={"slug": "consejo-a", "pk": found.project_id}) in html


def test_a_visitor_follows_the_money_and_opens_a_receipt(cast, client, funded):
    tank = funded["Tanque"]
    expense = spend(cast, tank, "1250.50")
    with translation.override("es"):
        page = client.get(
            reverse("execution", kwargs={"slug": "consejo-a", "pk": tank.project_id}),
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ferretería El Tornillo" in html
    assert "1.250,50" in html
    receipt = reverse(
        "expense-receipt",
        kwargs={"slug": "consejo-a", "pk": tank.project_id, "expense": expense.pk},
    )
    assert receipt in html
    got = client.get(receipt)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == PDF


def test_a_receipt_of_a_private_cycle_is_for_members_only(cast, client, login, funded):
    tank = funded["Tanque"]
    expense = spend(cast, tank)
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    receipt = reverse(
        "expense-receipt",
        kwargs={"slug": "consejo-a", "pk": tank.project_id, "expense": expense.pk},
    )
    assert client.get(receipt).status_code == 302
    assert login(cast.outsider.user).get(receipt).status_code == 403
    assert login(cast.resident.user).get(receipt).status_code == 200


def test_a_receipt_is_not_found_through_another_project(cast, client, funded):
    expense = spend(cast, funded["Tanque"])
    other = funded["Biblioteca"]
    url = reverse(
        "expense-receipt",
        kwargs={"slug": "consejo-a", "pk": other.project_id, "expense": expense.pk},
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-10"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"spent_on": "ayer"}, "spent_on"),
        ({"supplier": ""}, "supplier"),
        ({"receipt": SimpleUploadedFile("f.pdf", b"<script>alert(1)</script>")}, "receipt"),
        ({"amount": "999999"}, "amount"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_the_expense_form_refuses_bad_input_under_its_field(cast, login, funded, changes, field):
    tank = funded["Tanque"]
    client = login(cast.financial.user)
    page = client.post(_url("expense-new", tank), expense_form(cast, tank, **changes))
    assert page.status_code == 400
    assert page.context["form"].errors.get(field), page.context["form"].errors
    assert not Expense.objects.exists()


def test_the_financial_unit_records_an_expense_through_the_form(cast, login, funded):
    tank = funded["Tanque"]
    page = login(cast.financial.user).post(_url("expense-new", tank), expense_form(cast, tank))
    assert page.status_code == 302
    (expense,) = Expense.objects.all()
    assert str(expense.amount) == "100.50"
    assert expense.receipt_type == "pdf"


def test_the_team_pauses_a_project_with_its_reason_shown_to_everyone(cast, client, login, funded):
    tank = funded["Tanque"]
    refused = login(cast.spokesperson.user).post(
        _url("execution-status", tank), {"status": "paused", "reason": ""}
    )
    assert refused.status_code == 400
    done = login(cast.spokesperson.user).post(
        _url("execution-status", tank), {"status": "paused", "reason": "Falta cemento."}
    )
    assert done.status_code == 302
    client.logout()
    page = client.get(reverse("execution", kwargs={"slug": "consejo-a", "pk": tank.project_id}))
    assert "Falta cemento." in page.content.decode()


def test_a_spokesperson_of_another_organ_is_refused_with_a_reason(cast, login, funded):
    tank = funded["Tanque"]
    page = login(cast.electoral.user).post(
        _url("milestone-new", tank), {"title": "Compra", "due_on": "2027-01-01"}
    )
    assert page.status_code == 400
    assert not tank.milestones.exists()


def test_opening_the_executions_after_a_count(cast, login, funded):
    budget = funded["Tanque"].budget
    Execution.objects.all().delete()
    client = login(cast.financial.user)
    url = reverse("executions-open", kwargs={"slug": "consejo-a", "pk": budget.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Execution.objects.filter(budget=budget).count() == 2


def test_an_abandoned_project_shows_its_reason_and_takes_no_expense(cast, login, funded):
    tank = funded["Tanque"]
    execution.set_status(
        tank, status=ExecutionStatus.ABANDONED, reason="Terreno inestable.", by=SETUP
    )
    page = login(cast.financial.user).get(_url("expense-new", tank))
    assert page.status_code == 403


def test_date_fields_show_their_value_to_the_browsers_date_input(cast, login, funded):
    """A date input takes only YYYY-MM-DD: a date shown as 01/12/2026 leaves it blank."""
    from django.utils import timezone

    tank = funded["Tanque"]
    page = login(cast.financial.user).get(_url("expense-new", tank))
    html = page.content.decode()
    assert f'type="date" name="spent_on" value="{timezone.localdate().isoformat()}"' in html
    cycle = tank.project.cycle
    edit = login(cast.financial.user).get(
        reverse("cycle-edit", kwargs={"slug": "consejo-a", "pk": cycle.pk})
    )
    assert edit.status_code == 200  # the calendar may be edited until the budget vote ends
    assert f'value="{cycle.starts_on.isoformat()}"' in edit.content.decode()


def test_an_inspection_and_a_lesson_link_to_their_projects_execution(cast, client, funded):
    from comuna.cycles import comptroller, lessons

    library = funded["Biblioteca"]  # its execution id and its project id differ
    assert library.pk != library.project_id
    inspection = comptroller.open_inspection(
        cast.council, title="Biblioteca", scope="Libros", execution=library, by=SETUP
    )
    execution.set_status(library, status=ExecutionStatus.DONE, by=SETUP)
    lesson = lessons.record(library, what_happened="Se compraron los libros.", by=SETUP)
    right = reverse("execution", kwargs={"slug": "consejo-a", "pk": library.project_id})
    wrong = reverse("execution", kwargs={"slug": "consejo-a", "pk": library.pk})
    for url in (
        reverse("inspection", kwargs={"slug": "consejo-a", "pk": inspection.pk}),
        reverse("lesson", kwargs={"pk": lesson.pk}),
    ):
        html = client.get(url).content.decode()
        assert f'href="{right}"' in html and f'href="{wrong}"' not in html, url
