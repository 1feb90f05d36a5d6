"""`comuna ledger verify` on the demo federation: it passes, and each kind of tampering with
the demo's records is caught and named."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comuna.territory import demo
from comuna.territory.models import Body
from comuna.voting import demo as voting_demo
from comuna.voting.models import Ballot, Poll


@pytest.fixture
def demo_loaded(db):
    demo.load()
    voting_demo.load()
    return Body.objects.get(slug="cc-las-veritas")


def verify_output():
    out = StringIO()
    call_command("ledger", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def verify_failure():
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stdout=StringIO(), stderr=err)
    return str(failure.value) + err.getvalue()


def sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def ballot_id(ballot):
    return ballot.id.hex if connection.vendor == "sqlite" else str(ballot.id)


def test_the_demo_verifies(demo_loaded):
    out = verify_output()
    assert "cc-las-veritas:" in out and "Ledger verified" in out
    assert "Ledger verified" in out


def test_every_kind_of_entry_the_demo_writes_has_a_check_and_every_entry_is_checked(demo_loaded):
    from comuna.ledger import verify
    from comuna.ledger.checks import checked_kinds
    from comuna.ledger.models import Entry

    written = set(Entry.objects.values_list("kind", flat=True))
    assert written - checked_kinds() == set()
    assert {"census.imported", "mandate.conferred", "poll.opened", "poll.closed"} <= written
    report = verify()
    assert report.ok and report.checks_run == report.entries == Entry.objects.count()
    # every entry names who acted: a user or a system actor, never nobody
    assert not Entry.objects.filter(actor="").exists()


def test_an_edited_paper_ballot_of_the_demo_budget_is_named(demo_loaded):
    poll = Poll.objects.get(title="Presupuesto participativo 2026")
    ballot = Ballot.objects.filter(poll=poll, source="paper").first()
    sql("UPDATE voting_ballot SET choices = %s WHERE id = %s", ['["6"]', ballot_id(ballot)])
    message = verify_failure()
    # the paper entry that brought the ballot in is the first to disagree, then the tally
    assert "cc-las-veritas" in message and "(paper.entered)" in message
    assert f"poll {poll.pk}" in message


def test_a_ballot_slipped_into_a_closed_poll_is_named(demo_loaded):
    poll = Poll.objects.get(title="Elección de vocerías del Comité de Salud")
    Ballot.objects.create(poll=poll, choices=["4"], source="paper")
    assert f"poll {poll.pk}" in verify_failure()


def test_an_edited_recorded_tally_is_named(demo_loaded):
    poll = Poll.objects.get(title="Presupuesto participativo 2026")
    if connection.vendor == "postgresql":
        sql("ALTER TABLE ledger_entry DISABLE TRIGGER USER", [])
    sql(
        "UPDATE ledger_entry SET payload = REPLACE(payload, %s, %s) WHERE seq = %s AND chain = %s",
        ['"ballots":50', '"ballots":51', poll.result_entry, poll.body.ledger_chain],
    )
    if connection.vendor == "postgresql":
        sql("ALTER TABLE ledger_entry ENABLE TRIGGER USER", [])
    message = verify_failure()
    assert "cc-las-veritas" in message and f"entry {poll.result_entry}" in message
