"""Capabilities re-check their own entry kinds; verify runs those checks and names differences."""

import pytest
from django.db import connection

from comuna.ledger import register_check, verify

from .conftest import FIVE, record_many

pytestmark = pytest.mark.django_db

# Stands in for the ballots a voting capability keeps: poll -> ballots (1 = a "yes").
BALLOTS = {7: [1, 1, 1], 8: [1, 1, 1, 1]}


def recount(entry):
    data = entry.data
    counted = sum(BALLOTS[data["poll"]])
    if counted != data["total"]:
        return f"the tally says {data['total']} but the ballots give {counted}"
    return None


def test_checks_run_for_their_kind_only():
    seen = []
    register_check("voting.tally", lambda entry: seen.append(entry.seq))
    record_many("body:1", FIVE)
    report = verify()
    assert report.ok and report.checks_run == 2 and seen == [2, 4]


def test_an_outcome_that_no_longer_recomputes_fails_naming_the_entry(monkeypatch):
    register_check("voting.tally", recount)
    record_many("body:1", FIVE)
    assert verify().ok
    monkeypatch.setitem(BALLOTS, 8, [1, 1, 0, 1])  # an edited ballot
    report = verify()
    assert not report.ok
    (problem,) = report.problems
    assert (problem.chain, problem.seq, problem.kind) == ("body:1", 4, "voting.tally")
    assert problem.what == "the tally says 4 but the ballots give 3"


def test_a_check_that_raises_is_a_problem_not_a_crash():
    def broken(entry):
        raise KeyError("poll 7 has no ballots")

    register_check("voting.tally", broken)
    record_many("body:1", FIVE)
    record_many("body:2", FIVE)
    report = verify()
    assert report.entries == 10 and report.checks_run == 4
    assert [(p.chain, p.seq) for p in report.problems] == [
        ("body:1", 2),
        ("body:1", 4),
        ("body:2", 2),
        ("body:2", 4),
    ]
    assert "its check failed with KeyError: 'poll 7 has no ballots'" in report.problems[0].what


def test_a_check_whose_query_fails_does_not_stop_the_walk():
    walk_with_a_failing_query()


@pytest.mark.django_db(transaction=True)
def test_a_check_whose_query_fails_outside_a_transaction_does_not_stop_the_walk():
    walk_with_a_failing_query()


def walk_with_a_failing_query():
    def bad_query(entry):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    register_check("voting.tally", bad_query)
    register_check("assembly.minutes", lambda entry: None)
    record_many("body:1", FIVE)
    report = verify()
    assert report.checks_run == 4
    assert [p.seq for p in report.problems] == [2, 4]
    assert "no_such_table" in report.problems[0].what


def test_a_check_returning_something_odd_is_a_problem():
    register_check("voting.tally", lambda entry: 42)
    record_many("body:1", FIVE)
    assert "returned 42 instead of None or a sentence" in verify().problems[0].what


def test_a_kind_has_one_check():
    register_check("voting.tally", recount)
    register_check("voting.tally", recount)  # registering again (app reload) is harmless
    with pytest.raises(ValueError, match="already has a check"):
        register_check("voting.tally", lambda entry: None)
