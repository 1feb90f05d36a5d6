"""The administrator's Pabulib upload page: a good file becomes a counted budget and leads to
its page; a malformed one is refused with file:line: field: message and nothing is created;
only the administrator may import; a rule that cannot count the file's ballots is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comuna.cycles.models import Budget, BudgetStatus
from comuna.voting.models import Ballot, Poll
from tests.cycles.test_pb_import import rows

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def _upload(name: str, rule: str = "") -> dict:
    return {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), "rule": rule}


def _url(cast) -> str:
    return reverse("budget-import", kwargs={"slug": cast.council.slug})


def test_the_administrator_imports_a_file_and_lands_on_its_counted_budget(cast, login):
    client = login(cast.admin.user)
    listing = client.get(reverse("budgets", kwargs={"slug": cast.council.slug})).content.decode()
    assert _url(cast) in listing  # the list offers the upload to the administrator
    response = client.post(_url(cast), _upload("good_small.pb", rule="greedy-cost"))
    budget = Budget.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "budget", kwargs={"slug": cast.council.slug, "pk": budget.pk}
    )
    assert budget.status == BudgetStatus.COUNTED and budget.rule == "greedy-cost"
    assert budget.districts.get().poll.result["winners"] == ["p2", "p1"]
    page = client.get(response["Location"]).content.decode()
    assert "Techo de la escuela" in page


@pytest.mark.parametrize(
    "name, where",
    [
        ("bad_cost.pb", "bad_cost.pb:10: cost:"),
        ("bad_unknown_project.pb", "bad_unknown_project.pb:"),
        ("bad_truncated.pb", "bad_truncated.pb:"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_created(cast, login, name, where):
    before = rows()
    response = login(cast.admin.user).post(_url(cast), _upload(name))
    assert response.status_code == 400
    assert where in response.content.decode()
    assert rows() == before


def test_a_rule_that_cannot_count_the_ballots_is_refused(cast, login):
    response = login(cast.admin.user).post(_url(cast), _upload("ordinal_small.pb", "phragmen"))
    assert response.status_code == 400
    assert "ordinal_small.pb: rule: phragmen" in response.content.decode()
    assert not Poll.objects.exists() and not Ballot.objects.exists()


def test_only_the_administrator_may_import(cast, login):
    for user in (cast.resident.user, cast.electoral.user, cast.outsider.user):
        response = login(user).post(_url(cast), _upload("good_small.pb"))
        assert response.status_code == 403
    assert not Budget.objects.exists()
