"""The ballot box and its mixer, on both databases: what moves when, and that nothing is lost."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from comuna.voting import mixer, services
from comuna.voting.models import Ballot, BoxedBallot, Voter
from tests.conftest import SETUP, add_voters, ballots_cast


def test_a_cast_ballot_waits_in_the_box_and_its_receipt_finds_it_there_and_counted(cast, make_poll):
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "1")
    assert BoxedBallot.objects.filter(poll=poll).count() == 1 and not Ballot.objects.exists()
    assert services.find_ballot(poll, receipt.code).choices == ["1"]
    assert services.mix(poll) == 1
    assert not BoxedBallot.objects.exists()
    assert services.find_ballot(poll, receipt.code).choices == ["1"]


def test_a_mixed_ballot_changed_leaves_the_counted_table_for_the_box(cast, make_poll):
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "1")
    services.mix(poll)
    services.cast(poll, cast.resident.user, "2", receipt_code=receipt.code)
    assert not Ballot.objects.exists()
    assert list(BoxedBallot.objects.values_list("choices", flat=True)) == [["2"]]
    assert services.close_poll(poll, by=SETUP)["tally"] == {"1": 0, "2": 1}


def test_the_tick_mixes_only_the_boxes_holding_a_full_batch(cast, make_poll, settings):
    settings.MIX_BATCH = 3
    users = add_voters(cast.council, 5, "lote")
    full, short = make_poll(), make_poll()
    for user in users[:3]:
        services.cast(full, user, "1")
    for user in users[3:]:
        services.cast(short, user, "2")
    out = StringIO()
    call_command("polls", "tick", stdout=out)
    assert out.getvalue() == f"mixed 3 ballots of poll {full.pk}: {full.title}\n"
    assert Ballot.objects.filter(poll=full).count() == 3
    assert BoxedBallot.objects.filter(poll=short).count() == 2


def test_a_closed_or_draft_poll_is_not_mixed_by_itself(cast, make_poll):
    draft = make_poll(open_it=False)
    assert services.mix(draft) == 0
    poll = make_poll()
    services.cast(poll, cast.resident.user, "1")
    services.close_poll(poll, by=SETUP)
    assert services.mix(poll) == 0 and Ballot.objects.filter(poll=poll).count() == 1


def test_closing_rewrites_every_counted_ballot_with_new_ids(cast, make_poll):
    poll = make_poll()
    services.cast(poll, cast.resident.user, "1")
    services.cast(poll, cast.admin.user, "2")
    services.mix(poll)
    services.enter_paper(poll, "Escuela", ballots=[["1"], ["2"], ["2"]], by=SETUP)
    before = set(Ballot.objects.values_list("pk", flat=True))
    ballots = ballots_cast(poll)
    services.close_poll(poll, by=SETUP)
    assert not before & set(Ballot.objects.values_list("pk", flat=True))
    assert ballots_cast(poll) == ballots
    assert sorted(Ballot.objects.values_list("source", flat=True)) == ["online"] * 2 + ["paper"] * 3


def half_then_crash(poll_id, ballots):
    Ballot.objects.bulk_create(Ballot(poll_id=poll_id, **b) for b in ballots[: len(ballots) // 2])
    raise RuntimeError("the server died half-way through the mix")


def test_a_mix_interrupted_half_way_changes_nothing(cast, make_poll, monkeypatch):
    users = add_voters(cast.council, 6, "corte")
    poll = make_poll()
    for user in users:
        services.cast(poll, user, "1")
    services.mix(poll)
    for user in (cast.resident.user, cast.admin.user):
        services.cast(poll, user, "2")
    counted = sorted(Ballot.objects.values_list("pk", "receipt_hash"))
    boxed = sorted(BoxedBallot.objects.values_list("pk", "receipt_hash"))
    monkeypatch.setattr(mixer, "_write_counted", half_then_crash)
    for interrupted in (services.mix, lambda p: services.close_poll(p, by=SETUP)):
        with pytest.raises(RuntimeError):
            interrupted(poll)
        assert sorted(Ballot.objects.values_list("pk", "receipt_hash")) == counted
        assert sorted(BoxedBallot.objects.values_list("pk", "receipt_hash")) == boxed
    poll.refresh_from_db()
    assert poll.status == "open"


def test_sqlite_overwrites_deleted_rows_on_every_connection(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's secure_delete")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone() == (1,)


def test_sqlite_keeps_no_bytes_of_a_mixed_box_row_and_no_casting_order(cast, make_poll):
    """The box row's id is written nowhere else: after the mix it is in no page of the
    database (secure_delete zeroes it); the counted rows' order (rowid) is not the casting
    order. The controls show both in the box before mixing."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's file and rowid order (PostgreSQL: test_secrecy_on_postgresql)")
    users = add_voters(cast.council, 100, "fila")
    poll = make_poll()
    hashes = []
    for user in users:
        receipt = services.cast(poll, user, "1")
        hashes.append(services.receipt_hash(poll.pk, receipt.code))
    ids = [pk.hex.encode() for pk in BoxedBallot.objects.values_list("pk", flat=True)]

    def in_order(model):
        with connection.cursor() as cursor:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT receipt_hash FROM {table} WHERE poll_id = %s ORDER BY rowid", [poll.pk]
            )
            return [row[0] for row in cursor.fetchall()]

    assert in_order(BoxedBallot) == hashes
    assert all(pk in connection.connection.serialize() for pk in ids)
    services.mix(poll)
    assert sum(a == b for a, b in zip(in_order(Ballot), hashes, strict=True)) <= 5
    data = connection.connection.serialize()
    assert not any(pk in data for pk in ids)


def test_a_ballot_cast_before_the_box_can_still_be_changed_with_its_code(cast, make_poll):
    """Before the ballot box, the voter's change key was made from the voter's id and the
    ballot went straight to the counted table."""
    poll = make_poll()
    receipt = services.cast(poll, cast.resident.user, "1")
    services.mix(poll)
    voter = Voter.objects.get(poll=poll, user=cast.resident.user)
    voter.change_key = hashlib.sha256(f"voter:{voter.pk}:{receipt.code}".encode()).hexdigest()
    voter.save()
    assert services.cast(poll, cast.resident.user, "2", receipt_code=receipt.code).replaced
    assert ballots_cast(poll) == [["2"]]
