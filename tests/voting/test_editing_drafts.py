"""A draft poll is edited and deleted through the service, while it is a draft, and the ledger
keeps each change: `comuna ledger verify` still passes, and still catches edits behind it."""

from decimal import Decimal

import pytest
from django.db import connection

from comuna.ledger import entries, verify
from comuna.voting import services
from comuna.voting.models import Option, Poll
from tests.conftest import SETUP


def edit(poll, **changes):
    fields = {
        "title": poll.title,
        "method": poll.method,
        "rule": poll.rule,
        "options": [{"label": o.label, "cost": o.cost} for o in poll.options.all()],
        **{name: getattr(poll, name) for name in services.EDITABLE_SETTINGS},
    }
    return services.update_poll(poll, by=SETUP, **{**fields, **changes})


def test_an_edited_draft_is_recorded_and_verifies(cast, make_poll):
    poll = make_poll(open_it=False)
    edit(
        poll,
        title="¿Pintamos de verde?",
        options=[{"label": "Sí"}, {"label": "No"}, {"label": "Blanco"}],
    )
    poll.refresh_from_db()
    assert poll.title == "¿Pintamos de verde?"
    assert [o.label for o in poll.options.all()] == ["Sí", "No", "Blanco"]
    last = entries(cast.council.ledger_chain).last()
    assert last.kind == "poll.updated" and last.data["title"] == "¿Pintamos de verde?"
    assert [o["label"] for o in last.data["options"]] == ["Sí", "No", "Blanco"]
    assert verify().ok, verify().problems
    services.open_poll(poll, by=SETUP)
    assert verify().ok, verify().problems


def test_verify_names_a_draft_changed_behind_the_service_after_an_edit(cast, make_poll):
    poll = make_poll(open_it=False)
    edit(poll, title="Editada")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE voting_poll SET seats = 2 WHERE id = %s", [poll.pk])
    problems = [str(p) for p in verify().problems]
    assert len(problems) == 1 and "poll.updated" in problems[0] and "winners" in problems[0]


def test_a_deleted_draft_is_recorded_and_verifies(cast, make_poll):
    poll = make_poll(open_it=False)
    services.delete_poll(poll, by=SETUP)
    assert not Poll.objects.exists() and not Option.objects.exists()
    last = entries(cast.council.ledger_chain).last()
    assert last.kind == "poll.deleted" and last.data["poll"] == poll.pk
    assert verify().ok, verify().problems


def test_an_edit_that_cannot_be_counted_is_refused_and_changes_nothing(cast, make_poll):
    poll = make_poll(open_it=False)
    before = entries(cast.council.ledger_chain).count()
    with pytest.raises(services.PollSettingsError):
        edit(poll, title="Otra", seats=3)
    poll.refresh_from_db()
    assert poll.title == "Votación single" and poll.seats == 1
    assert entries(cast.council.ledger_chain).count() == before


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_an_open_poll_is_neither_edited_nor_deleted(make_poll, action):
    poll = make_poll()
    with pytest.raises(services.VotingError, match="Only a draft"):
        if action == "edit":
            edit(poll, title="Otra")
        else:
            services.delete_poll(poll, by=SETUP)
    assert Poll.objects.get().title == "Votación single"


def test_editing_a_budget_draft_keeps_the_amounts_as_stored(cast, budget_poll):
    Poll.objects.filter(pk=budget_poll.pk).update(status="draft")  # (its register aside)
    poll = Poll.objects.get()
    edit(poll, budget=Decimal("1200"))
    assert entries(cast.council.ledger_chain).last().data["budget"] == "1200.00"


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_draft_poll_another_capability_holds_is_neither_edited_nor_deleted(cast, action):
    from tests.cycles.factories import budget_in

    budget = budget_in(cast, "draft")
    poll = budget.districts.get().poll
    before = entries(cast.council.ledger_chain).count()
    with pytest.raises(services.VotingError, match="participatory budget"):
        if action == "edit":
            edit(poll, title="Otra")
        else:
            services.delete_poll(poll, by=SETUP)
    poll.refresh_from_db()
    assert poll.title != "Otra" and poll.options.count() == budget.districts.get().entries.count()
    assert entries(cast.council.ledger_chain).count() == before
