import pytest
from django.db import transaction

from comuna.ledger import GENESIS_HASH, entries, head, record
from comuna.ledger.models import Entry, Head

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def test_it_links_entries_in_order_and_moves_the_head():
    with transaction.atomic():
        first = record("body:1", "assembly.minutes", {"n": 1}, actor="user:12")
        second = record("body:1", "assembly.minutes", {"n": 2})
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert first.payload == '{"n":1}' and first.actor == "user:12"
    assert list(entries("body:1")) == [first, second]
    published = head("body:1")
    assert (published.seq, published.hash) == (2, second.hash)


def test_chains_are_numbered_separately():
    with transaction.atomic():
        record("body:1", "k", {})
        other = record("body:2", "k", {})
    assert other.seq == 1 and other.prev_hash == GENESIS_HASH


def test_a_rolled_back_change_leaves_no_entry_and_no_head():
    with pytest.raises(Boom), transaction.atomic():
        record("body:1", "voting.tally", {"total": 3})
        raise Boom
    assert not Entry.objects.exists()
    assert not Head.objects.exists()
    assert head("body:1") is None


def test_a_rolled_back_entry_does_not_leave_a_gap():
    with transaction.atomic():
        record("body:1", "k", {"n": 1})
    with pytest.raises(Boom), transaction.atomic():
        record("body:1", "k", {"n": 2})
        raise Boom
    with transaction.atomic():
        third = record("body:1", "k", {"n": 3})
    assert third.seq == 2
    assert [e.seq for e in entries("body:1")] == [1, 2]


def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"inside transaction.atomic\(\)"):
        record("body:1", "voting.tally", {"total": 3})
    assert not Entry.objects.exists()


def test_a_payload_that_is_not_canonical_json_is_refused_naming_where():
    with pytest.raises(TypeError, match=r"payload\.shares\[1\] is a float"), transaction.atomic():
        record("body:1", "budget.allocation", {"shares": [1, 0.5]})
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("chain", "kind", "actor", "field"),
    [
        ("", "k", "", "chain"),
        ("body 1", "k", "", "chain"),
        ("body:1", "voting\ntally", "", "kind"),
        ("body:1", "k", 'user"1', "actor"),
        ("x" * 101, "k", "", "chain"),
    ],
)
def test_names_that_would_need_escaping_are_refused(chain, kind, actor, field):
    with pytest.raises(ValueError, match=rf"ledger {field} "), transaction.atomic():
        record(chain, kind, {}, actor=actor)
