"""Edits made directly in the database, as someone holding it would, are caught and named."""

import pytest

from comuna.ledger import verify

from .conftest import FIVE, record_many

pytestmark = pytest.mark.django_db

CHAIN = "body:1"


@pytest.fixture
def five():
    record_many("body:2", FIVE)  # an untouched neighbour stays clean
    return record_many(CHAIN, FIVE)


def first_problem(report):
    assert not report.ok
    assert all(p.chain == CHAIN for p in report.problems), report.problems
    return report.problems[0]


def test_an_edited_payload_is_caught_at_that_entry(five, tamper):
    tamper(
        "UPDATE ledger_entry SET payload = %s WHERE chain = %s AND seq = 2",
        ['{"poll":7,"total":4}', CHAIN],
    )
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (2, "voting.tally")
    assert "stored hash" in problem.what and "recomputed" in problem.what


def test_a_payload_edited_out_of_canonical_form_is_named_as_such(five, tamper):
    tamper(
        "UPDATE ledger_entry SET payload = %s WHERE chain = %s AND seq = 3",
        ['{"spent": "1250.50", "funded": ["P1","P3"]}', CHAIN],
    )
    problem = first_problem(verify())
    assert problem.seq == 3 and "not in canonical form" in problem.what


def test_an_edited_payload_with_its_hash_recomputed_breaks_the_next_link(five, tamper):
    edited = five[1]
    edited.payload = '{"poll":7,"total":4}'
    new_hash = edited.computed_hash()
    tamper(
        "UPDATE ledger_entry SET payload = %s, hash = %s WHERE chain = %s AND seq = 2",
        [edited.payload, new_hash, CHAIN],
    )
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (3, "budget.allocation")
    assert "is not the hash" in problem.what and "entry 2" in problem.what


def test_a_deleted_middle_entry_is_named(five, tamper):
    tamper("DELETE FROM ledger_entry WHERE chain = %s AND seq = 3", [CHAIN])
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (3, "")
    assert "entry 3 is missing" in problem.what


def test_two_deleted_entries_are_named_as_a_range(five, tamper):
    tamper("DELETE FROM ledger_entry WHERE chain = %s AND seq IN (2, 3)", [CHAIN])
    problem = first_problem(verify())
    assert problem.seq == 2 and "entries 2 to 3 are missing" in problem.what


def test_a_deleted_first_entry_is_named(five, tamper):
    tamper("DELETE FROM ledger_entry WHERE chain = %s AND seq = 1", [CHAIN])
    problem = first_problem(verify())
    assert problem.seq == 1 and "entry 1 is missing" in problem.what


def test_a_deleted_last_entry_is_caught_by_the_published_head(five, tamper):
    tamper("DELETE FROM ledger_entry WHERE chain = %s AND seq = 5", [CHAIN])
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (5, "")
    assert "published head names entry 5" in problem.what and "ends at entry 4" in problem.what


def test_two_entries_swapped_in_order_are_caught(five, tamper):
    for old, new in [(2, 1000), (3, 2), (1000, 3)]:  # (chain, seq) is unique at every step
        tamper("UPDATE ledger_entry SET seq = %s WHERE chain = %s AND seq = %s", [new, CHAIN, old])
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (2, "budget.allocation")  # entry 3 now sits at 2
    assert "is not the hash" in problem.what and "stored hash" in problem.what


def test_an_edited_hash_is_caught_at_that_entry(five, tamper):
    tamper("UPDATE ledger_entry SET hash = %s WHERE chain = %s AND seq = 4", ["f" * 64, CHAIN])
    report = verify()
    problem = first_problem(report)
    assert (problem.seq, problem.kind) == (4, "voting.tally")
    assert "stored hash ffffffffffff" in problem.what
    assert [p.seq for p in report.problems] == [4, 5]  # and the next link breaks


def test_an_edited_head_hash_is_caught(five, tamper):
    tamper("UPDATE ledger_head SET hash = %s WHERE chain = %s", ["a" * 64, CHAIN])
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (5, "assembly.minutes")
    assert "published head hash aaaaaaaaaaaa" in problem.what


def test_a_head_moved_back_leaves_entries_past_it(five, tamper):
    tamper("UPDATE ledger_head SET seq = 3, hash = %s WHERE chain = %s", [five[2].hash, CHAIN])
    problem = first_problem(verify())
    assert (problem.seq, problem.kind) == (4, "voting.tally")
    assert "past the published head (entry 3)" in problem.what


def test_a_deleted_head_is_caught(five, tamper):
    tamper("DELETE FROM ledger_head WHERE chain = %s", [CHAIN])
    problem = first_problem(verify())
    assert problem.seq == 5 and "no published head" in problem.what


def test_an_appended_forgery_with_a_valid_link_is_past_the_head(five, tamper):
    last = five[-1]
    forged = dict(
        chain=CHAIN,
        seq=6,
        kind="voting.tally",
        payload='{"poll":9,"total":99}',
        prev_hash=last.hash,
        recorded_at=last.recorded_at,
        actor="",
    )
    from comuna.ledger.hashing import entry_hash

    digest = entry_hash(**forged)
    tamper(
        "INSERT INTO ledger_entry (chain, seq, kind, payload, prev_hash, hash, recorded_at, actor)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [CHAIN, 6, forged["kind"], forged["payload"], last.hash, digest, last.recorded_at, ""],
    )
    problem = first_problem(verify())
    assert problem.seq == 6 and "past the published head" in problem.what


@pytest.mark.parametrize(
    "change",
    ["actor = 'user:1'", "kind = 'assembly.decision'", "chain = 'body:3'"],
)
def test_every_field_is_covered_by_the_hash(five, tamper, change):
    tamper(f"UPDATE ledger_entry SET {change} WHERE chain = %s AND seq = 1", [CHAIN])
    report = verify()
    assert not report.ok
    assert any(p.seq == 1 and "stored hash" in p.what for p in report.problems)


def test_an_edited_recording_time_is_caught(five, tamper):
    from datetime import timedelta

    tamper(
        "UPDATE ledger_entry SET recorded_at = %s WHERE chain = %s AND seq = 2",
        [five[1].recorded_at - timedelta(microseconds=1), CHAIN],
    )
    assert first_problem(verify()).seq == 2


def test_a_first_entry_not_linked_to_the_genesis_hash_is_caught(five, tamper):
    tamper("UPDATE ledger_entry SET prev_hash = %s WHERE chain = %s AND seq = 1", ["1" * 64, CHAIN])
    problem = first_problem(verify())
    assert problem.seq == 1 and "is not the genesis hash (64 zeros)" in problem.what
