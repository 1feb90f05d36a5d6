import pytest

from comuna.ledger import register_check, verify

from .conftest import FIVE, record_many

pytestmark = pytest.mark.django_db


def test_an_honest_ledger_verifies_with_counts():
    record_many("body:1", FIVE)
    record_many("body:2", FIVE[:2])
    register_check("voting.tally", lambda entry: None)
    report = verify()
    assert report.ok, report.problems
    assert report.problems == []
    assert (len(report.chains), report.entries, report.checks_run) == (2, 7, 3)
    council = report.chains["body:1"]
    assert (council.entries, council.checks_run, council.head_seq) == (5, 2, 5)


def test_it_verifies_only_the_chains_asked_for():
    record_many("body:1", FIVE)
    record_many("body:2", FIVE)
    report = verify(["body:2"])
    assert list(report.chains) == ["body:2"] and report.entries == 5


def test_a_chain_never_written_is_empty_and_fine():
    report = verify(["body:99"])
    assert report.ok and report.entries == 0 and report.chains["body:99"].head_hash == ""


def test_an_empty_ledger_verifies():
    report = verify()
    assert report.ok and report.chains == {}


def test_it_walks_chains_longer_than_one_page(monkeypatch):
    from comuna.ledger import verification

    monkeypatch.setattr(verification, "_PAGE", 2)
    record_many("body:1", FIVE)
    report = verify()
    assert report.ok and report.entries == 5
