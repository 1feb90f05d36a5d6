"""The execution API: a funded project's execution and its expenses read by anyone when the
cycle is public (members only otherwise), and an expense recorded with its receipt by the
administrative-financial unit, refused field by field with nothing stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comuna.cycles import execution
from comuna.cycles.models import Expense
from comuna.territory import statutes
from tests.api.conftest import Caller
from tests.conftest import SETUP
from tests.cycles.api_execution import expense_payload
from tests.cycles.execution_fixtures import spend

pytestmark = pytest.mark.django_db

BODIES = "/api/v1/bodies/consejo-a"


def test_anyone_reads_a_funded_projects_money_milestones_and_expenses(cast, funded):
    tank = funded["Tanque"]
    execution.add_milestone(tank, title="Compra", due_on="2020-01-01", by=SETUP)
    made = spend(cast, tank, "1250.50")
    caller = Caller()
    got = caller.get(f"{BODIES}/projects/{tank.project_id}/execution")
    assert got.status_code == 200
    data = got.json()
    assert data["money"] == {
        "allocation": "3000.00",
        "authorised": "0.00",
        "ceiling": "3000.00",
        "spent": "1250.50",
        "left": "1749.50",
        "currency": tank.currency,
    }
    assert data["status"]["code"] == "not_started"
    assert data["milestones"][0]["overdue"] is True
    listed = caller.get(f"{BODIES}/projects/{tank.project_id}/expenses/").json()
    (row,) = listed["items"]
    assert (row["id"], row["amount"], row["receipt_sha256"]) == (
        made.pk,
        "1250.50",
        made.receipt_sha256,
    )
    assert caller.get(row["receipt_url"]).status_code == 200


def test_a_project_not_funded_has_no_execution(cast, funded):
    assert Caller().get(f"{BODIES}/projects/999999/execution").status_code == 404


def test_a_private_cycles_execution_is_for_members(cast, funded):
    tank = funded["Tanque"]
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = f"{BODIES}/projects/{tank.project_id}/execution"
    assert Caller().get(url).status_code == 401
    assert Caller(cast.outsider.user, how="token-read").get(url).status_code == 403
    assert Caller(cast.resident.user, how="token-read").get(url).status_code == 200


def test_the_financial_unit_records_an_expense_with_its_receipt(cast, funded):
    tank = funded["Tanque"]
    caller = Caller(cast.financial.user, how="token-read-write")
    got = caller.post(f"{BODIES}/projects/{tank.project_id}/expenses/", expense_payload(cast, tank))
    assert got.status_code == 201, got.content
    (made,) = Expense.objects.all()
    assert got.json()["id"] == made.pk and got.json()["amount"] == "100.50"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"amount": "3000.01"}, "amount"),
        ({"receipt": SimpleUploadedFile("f.pdf", b"GIF89a not really")}, "receipt"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_a_bad_expense_is_refused_by_field_and_nothing_is_stored(cast, funded, changes, field):
    tank = funded["Tanque"]
    caller = Caller(cast.financial.user, how="token-read-write")
    got = caller.post(
        f"{BODIES}/projects/{tank.project_id}/expenses/", expense_payload(cast, tank, **changes)
    )
    assert got.status_code == 400, got.content
    assert [e["field"] for e in got.json()["errors"]] == [field]
    assert not Expense.objects.exists()


def test_someone_else_cannot_record_an_expense(cast, funded):
    tank = funded["Tanque"]
    for persona in ("resident", "comptroller", "spokesperson"):
        caller = Caller(getattr(cast, persona).user, how="token-read-write")
        got = caller.post(
            f"{BODIES}/projects/{tank.project_id}/expenses/", expense_payload(cast, tank)
        )
        assert got.status_code == 403
    assert not Expense.objects.exists()
