"""An attacker who can read the PostgreSQL database tries to link voters to ballots.

Each attack pairs the voters' rows with the ballots' rows by what PostgreSQL keeps besides
the columns: the transaction that wrote a row (``xmin``), the last one that locked or deleted
it (``xmax``), where it sits on disk (``ctid``), and the order of the random ids. Guessing at
random pairs one voter in 200 correctly on average (the expected number of fixed points of a
random permutation is 1; six or more happen in fewer than 1 run in 1,000). Before this design
the first attack matched every voter (the 'has voted' mark and the ballot shared their
transaction); the tests show each attack still works on the ballot box before mixing, so they
can fail, and finds nothing better than chance once the poll is closed.
"""

import random
import time

import pytest
from django.db import connection, transaction

from comuna.ledger import verify
from comuna.voting import services
from comuna.voting.models import BoxedBallot, Voter
from tests.conftest import SETUP, add_voters

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

VOTERS, BATCH = 200, 50


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("system columns (xmin, xmax, ctid) are PostgreSQL's")


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Election:
    """A poll of 200 voters cast through the service in batches of 50, the first three mixed
    while the poll is open, the last still in the box; ``truth`` maps each voter's login to
    the receipt hash of their ballot, ``chosen`` to what they chose."""

    def __init__(self, cast, make_poll):
        users = add_voters(cast.council, VOTERS, "secreto")
        self.poll = make_poll(options=("A", "B", "C"))
        self.truth, self.chosen, self.codes = {}, {}, {}
        rng = random.Random(9)  # the choices, not the secrecy, come from this seed
        for start in range(0, VOTERS, BATCH):
            for user in users[start : start + BATCH]:
                choice = str(rng.randint(1, 3))
                receipt = services.cast(self.poll, user, choice)
                self.truth[user.pk] = services.receipt_hash(self.poll.pk, receipt.code)
                self.chosen[user.pk], self.codes[user.pk] = choice, receipt.code
            if start + BATCH < VOTERS:
                assert services.mix(self.poll) == BATCH
        self.users = users

    def change(self, users, choice):
        for user in users:
            services.cast(self.poll, user, choice, receipt_code=self.codes[user.pk])
            self.chosen[user.pk] = choice

    def correct(self, pairs):
        """How many (login, receipt hash) pairs an attack got right."""
        return sum(1 for user, hashed in pairs if self.truth.get(user) == hashed)

    def join_on(self, table, condition):
        return rows(
            f"SELECT v.user_id, b.receipt_hash FROM voting_voter v JOIN {table} b "
            f"ON b.poll_id = v.poll_id AND {condition} WHERE v.poll_id = %s",
            [self.poll.pk],
        )

    def by_order(self, table, order):
        """The i-th voter to cast (by transaction id) paired with the i-th ballot by ``order``."""
        voters = rows(
            "SELECT user_id FROM voting_voter WHERE poll_id = %s AND has_voted "
            "ORDER BY xmin::text::bigint",
            [self.poll.pk],
        )
        ballots = rows(
            f"SELECT receipt_hash FROM {table} WHERE poll_id = %s ORDER BY {order}",
            [self.poll.pk],
        )
        voters = voters[len(voters) - len(ballots) :]  # the box holds the last voters' ballots
        return [(v[0], b[0]) for v, b in zip(voters, ballots, strict=True)]


@pytest.fixture
def election(cast, make_poll):
    return Election(cast, make_poll)


def test_the_attacks_link_every_ballot_still_in_the_box(election):
    """The attacks work: the last batch, not yet mixed, is linked ballot by ballot."""
    box = "voting_boxedballot"
    assert election.correct(election.join_on(box, "b.xmin = v.xmin")) == BATCH
    assert election.correct(election.by_order(box, "ctid")) == BATCH


def test_after_closing_no_transaction_id_place_or_id_links_a_voter_to_a_ballot(election):
    election.change(election.users[10:30] + election.users[-10:], "3")  # mixed and boxed
    services.close_poll(election.poll, by=SETUP)
    counted = "voting_ballot"
    assert election.join_on(counted, "b.xmin = v.xmin") == []
    assert election.join_on(counted, "b.xmin = v.xmax") == []
    assert election.join_on(counted, "b.xmax = v.xmin AND b.xmax::text <> '0'") == []
    assert election.correct(election.by_order(counted, "ctid")) <= 5
    assert election.correct(election.by_order(counted, "id")) <= 5
    # every counted ballot was written by the closing transaction, none keeps its batch
    assert rows(
        "SELECT count(DISTINCT xmin::text) FROM voting_ballot WHERE poll_id = %s",
        [election.poll.pk],
    ) == [(1,)]
    assert not BoxedBallot.objects.exists()


def test_a_changed_ballot_leaves_the_voter_row_untouched(election):
    """Changing a ballot takes no lock on the voter row, so its xmax names no transaction
    that wrote a ballot; the control shows what the attack finds when a lock is taken."""
    before = rows("SELECT user_id, xmin::text, xmax::text FROM voting_voter ORDER BY id")
    election.change(election.users[:5] + election.users[-5:], "2")
    assert rows("SELECT user_id, xmin::text, xmax::text FROM voting_voter ORDER BY id") == before
    box = "voting_boxedballot"
    assert election.join_on(box, "b.xmin = v.xmax") == []
    with transaction.atomic():  # the lock the old design took, and a ballot beside it
        voter = Voter.objects.select_for_update().get(user=election.users[0])
        BoxedBallot.objects.create(poll=election.poll, receipt_hash="c" * 64, choices=["1"])
    assert election.join_on(box, "b.xmin = v.xmax") == [(voter.user_id, "c" * 64)]


def test_mixing_and_closing_change_no_outcome_and_no_receipt(election):
    election.change(election.users[:7], "1")
    result = services.close_poll(election.poll, by=SETUP)
    expected = {k: list(election.chosen.values()).count(k) for k in ("1", "2", "3")}
    assert result["tally"] == expected and result["ballots"] == VOTERS
    for user in election.users:
        ballot = services.find_ballot(election.poll, election.codes[user.pk])
        assert ballot.choices == [election.chosen[user.pk]]
    assert verify([election.poll.body.ledger_chain]).ok  # the recount agrees with the record


def raw_pages(table):
    pages = rows("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
    return b"".join(
        bytes(rows("SELECT get_raw_page(%s, %s)", [table, n])[0][0]) for n in range(pages[0][0])
    )


def test_mixed_box_rows_leave_no_bytes_in_the_box_table(cast, make_poll):
    """A plain VACUUM would free the deleted rows' space but leave their bytes (transaction
    id, receipt hash) in the page; the scrub rewrites the table (VACUUM FULL)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    users = add_voters(cast.council, 30, "huella")
    poll, other = make_poll(), make_poll()
    hashes = []
    for user in users:
        receipt = services.cast(poll, user, "1")
        hashes.append(services.receipt_hash(poll.pk, receipt.code).encode())
    services.cast(other, users[0], "2")  # stays in the box: the table is not simply emptied
    box = raw_pages("voting_boxedballot")
    assert all(h in box for h in hashes)  # the control: the bytes are there before mixing
    assert services.mix(poll) == 30  # its commit runs VACUUM FULL of the box
    for _ in range(20):  # rows another transaction may still see wait for the next tick
        box = raw_pages("voting_boxedballot")
        if not any(h in box for h in hashes):
            break
        time.sleep(0.5)
        services.run_schedule()
    assert box and not any(h in box for h in hashes)
    assert BoxedBallot.objects.filter(poll=other).count() == 1
