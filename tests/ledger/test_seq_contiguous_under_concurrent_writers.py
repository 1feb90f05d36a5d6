"""Concurrent writers of one chain queue on its head: no gap, no duplicate, links intact."""

import threading

import pytest
from django.db import connection, transaction

from comuna.ledger import entries, record, verify

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_threads(count, work):
    barrier = threading.Barrier(count)
    errors = []

    def body(n):
        try:
            barrier.wait()
            work(n)
        except Exception as exc:  # reported below, the thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []


def test_concurrent_first_writers_of_a_new_chain_all_get_in():
    def first_write(n):
        with transaction.atomic():
            record("body:new", "k", {"writer": n})

    run_threads(16, first_write)
    assert [e.seq for e in entries("body:new")] == list(range(1, 17))
    assert sorted(e.data["writer"] for e in entries("body:new")) == list(range(16))
    assert verify().ok


def test_many_writers_on_two_chains_leave_contiguous_sequences():
    def write(n):
        for i in range(15):
            with transaction.atomic():
                record(f"body:{n % 2}", "k", {"writer": n, "i": i})

    run_threads(12, write)
    for chain in ("body:0", "body:1"):
        assert [e.seq for e in entries(chain)] == list(range(1, 91))
    report = verify()
    assert report.ok, report.problems[:3]
    assert report.entries == 180


def test_a_writer_that_rolls_back_does_not_leave_a_gap_for_the_others():
    def write(n):
        try:
            with transaction.atomic():
                record("body:1", "k", {"writer": n})
                if n % 3 == 0:
                    raise LookupError("this change failed")
        except LookupError:
            pass

    run_threads(12, write)
    assert [e.seq for e in entries("body:1")] == list(range(1, 9))
    assert verify().ok
