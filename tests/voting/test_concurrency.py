"""Exactly once under concurrency, on PostgreSQL (the production engine).

SQLite serialises writers (IMMEDIATE transactions), so these races only exist on PostgreSQL;
the tests are skipped on SQLite.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from comuna.voting import services, tally
from tests.conftest import SETUP, add_voters, ballots_cast

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency races are PostgreSQL's: SQLite serialises writers; "
            "run with DATABASE_URL=postgres://..."
        )


def in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def outcome_of(fn, *args):
    try:
        return fn(*args)
    except services.VotingError as exc:
        return exc


def test_fifty_simultaneous_submissions_by_one_voter_leave_one_ballot(cast, make_poll):
    poll = make_poll(allow_revote=False)
    barrier = threading.Barrier(50)

    @in_thread
    def submit(i):
        barrier.wait()
        return outcome_of(services.cast, poll, cast.resident.user, "1" if i % 2 else "2")

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(submit, range(50)))
    receipts = [r for r in results if isinstance(r, services.Receipt)]
    assert len(receipts) == 1
    assert all(isinstance(r, services.VotingError) for r in results if r not in receipts)
    assert len(ballots_cast(poll)) == 1


def test_two_hundred_voters_at_once_lose_no_ballot(cast, make_poll):
    users = add_voters(cast.council, 200, "votante")
    poll = make_poll(options=("A", "B", "C"))
    barrier = threading.Barrier(40)

    @in_thread
    def vote(i):
        if i < 40:
            barrier.wait()
        return services.cast(poll, users[i], str(1 + i % 3))

    with ThreadPoolExecutor(40) as pool:
        receipts = list(pool.map(vote, range(200)))
    assert len({r.code for r in receipts}) == 200
    assert len(ballots_cast(poll)) == 200
    result = services.close_poll(poll, by=SETUP)
    assert result["tally"] == {"1": 67, "2": 67, "3": 66}
    for r in receipts:
        assert services.find_ballot(poll, r.code) is not None


def test_concurrent_changes_of_a_ballot_replace_it_and_never_duplicate_it(cast, make_poll):
    poll = make_poll(options=("A", "B", "C"))
    code = services.cast(poll, cast.resident.user, "1").code
    barrier = threading.Barrier(20)

    @in_thread
    def change(i):
        barrier.wait()
        return services.cast(poll, cast.resident.user, str(1 + i % 3), receipt_code=code)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(change, range(20)))
    assert all(r.replaced and r.code == code for r in results)
    assert len(ballots_cast(poll)) == 1


def test_every_acknowledged_ballot_is_counted_even_when_the_poll_closes_meanwhile(cast, make_poll):
    users = add_voters(cast.council, 60, "tarde")
    poll = make_poll(options=("A", "B"))
    barrier = threading.Barrier(21)

    @in_thread
    def vote(i):
        if i < 20:
            barrier.wait()
        return outcome_of(services.cast, poll, users[i], "1")

    @in_thread
    def close():
        barrier.wait()
        return services.close_poll(poll, by=SETUP)

    with ThreadPoolExecutor(21) as pool:
        futures = [pool.submit(vote, i) for i in range(60)]
        closing = pool.submit(close)
        results = [f.result() for f in futures]
        result = closing.result()
    acknowledged = [r for r in results if isinstance(r, services.Receipt)]
    assert result["ballots"] == len(acknowledged)
    published = {b["receipt_hash"] for b in tally.published_ballots(poll)}
    assert {services.receipt_hash(poll.pk, r.code) for r in acknowledged} == published


def test_mixing_while_voters_cast_and_change_ballots_loses_and_duplicates_nothing(cast, make_poll):
    users = add_voters(cast.council, 60, "mezcla")
    poll = make_poll(options=("A", "B"))
    first = [services.cast(poll, users[i], "1") for i in range(30)]
    barrier = threading.Barrier(11)

    @in_thread
    def vote(i):
        if i < 10:
            barrier.wait()
        if i < 30:  # the first thirty change their ballot, the others cast theirs
            return services.cast(poll, users[i], "2", receipt_code=first[i].code)
        return services.cast(poll, users[i], "2")

    @in_thread
    def mix():
        barrier.wait()
        return sum(services.mix(poll) for _ in range(5))

    with ThreadPoolExecutor(11) as pool:
        futures = [pool.submit(vote, i) for i in range(60)]
        mixing = pool.submit(mix)
        receipts = [f.result() for f in futures]
        assert mixing.result() > 0
    assert ballots_cast(poll) == [["2"]] * 60
    result = services.close_poll(poll, by=SETUP)
    assert result["tally"] == {"1": 0, "2": 60}
    for r in receipts:
        assert services.find_ballot(poll, r.code).choices == ["2"]


def test_a_ballot_waiting_for_the_closing_is_refused_once_it_closed(cast, make_poll):
    """Closing holds the poll's lock: a ballot cast meanwhile waits, then reads the status the
    closing committed (not the one from before it waited) and is refused."""
    user = add_voters(cast.council, 1, "espera")[0]
    poll = make_poll(options=("A", "B"))
    closing = connections.create_connection("default")
    closing.ensure_connection()
    try:
        with closing.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [-poll.pk])
            with ThreadPoolExecutor(1) as pool:
                casting = pool.submit(in_thread(outcome_of), services.cast, poll, user, "1")
                with pytest.raises(TimeoutError):
                    casting.result(timeout=1)  # it waits for the closing
                cursor.execute("UPDATE voting_poll SET status = 'closed' WHERE id = %s", [poll.pk])
                cursor.execute("COMMIT")
                refused = casting.result(timeout=30)
    finally:
        closing.close()
    assert isinstance(refused, services.PollClosedError)
    assert ballots_cast(poll) == []


def test_closing_waits_for_a_ballot_being_cast_and_counts_it(cast, make_poll, monkeypatch):
    user = add_voters(cast.council, 1, "primero")[0]
    poll = make_poll(options=("A", "B"))
    inside, go_on = threading.Event(), threading.Event()
    real_normalise = services.normalise

    def paused(*args):  # the ballot is being cast: the poll's shared lock is held
        inside.set()
        go_on.wait(30)
        return real_normalise(*args)

    monkeypatch.setattr(services, "normalise", paused)
    with ThreadPoolExecutor(2) as pool:
        casting = pool.submit(in_thread(services.cast), poll, user, "1")
        assert inside.wait(30)
        closing = pool.submit(in_thread(lambda: services.close_poll(poll, by=SETUP)))
        with pytest.raises(TimeoutError):
            closing.result(timeout=1)  # it waits for the ballot
        go_on.set()
        receipt = casting.result(timeout=30)
        result = closing.result(timeout=30)
    assert result["ballots"] == 1
    published = {b["receipt_hash"] for b in tally.published_ballots(poll)}
    assert published == {services.receipt_hash(poll.pk, receipt.code)}
