"""Heads kept outside the database: the server's own witness file, signing keys, and
`comuna ledger verify --witness` on any database."""

import json
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from comuna.ledger import canonical_json, record
from comuna.ledger.hashing import utc_text
from comuna.ledger.signing import ensure_key, head_document, key_path, private_key
from comuna.ledger.witness import read

from .conftest import FIVE, append_behind_the_services, record_many

pytestmark = pytest.mark.django_db

CHAIN = "body:1"


def witnessed(settings):
    path = settings.COMUNA_WITNESS_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_each_committed_write_appends_its_head_and_a_rolled_back_one_nothing(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        written = record_many(CHAIN, FIVE[:2])
        with pytest.raises(RuntimeError), transaction.atomic():
            record(CHAIN, "voting.tally", {"poll": 9})
            raise RuntimeError("rolled back")
    assert witnessed(settings) == [
        {"chain": CHAIN, "hash": e.hash, "recorded_at": utc_text(e.recorded_at), "seq": e.seq}
        for e in written
    ]


def test_a_key_file_is_made_once_readable_by_its_owner_only(settings):
    assert ensure_key(CHAIN) is True
    path = key_path(CHAIN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    public = private_key(CHAIN).public_key().public_bytes_raw()
    assert ensure_key(CHAIN) is False
    assert private_key(CHAIN).public_key().public_bytes_raw() == public


def test_a_signed_head_is_a_witness_line_as_it_is(tmp_path):
    record_many(CHAIN, FIVE)
    ensure_key(CHAIN)
    kept = tmp_path / "kept.jsonl"
    kept.write_text(canonical_json(head_document(CHAIN, "consejo")) + "\n")
    [witness] = read(kept)
    assert (witness.chain, witness.seq, witness.line) == (CHAIN, 5, 1)
    out = StringIO()
    call_command("ledger", "verify", "--witness", str(kept), stdout=out)
    assert "1 witnessed head is on its chain." in out.getvalue()


def test_an_emptied_chain_is_caught_by_any_witness(tmp_path, tamper):
    entries = record_many(CHAIN, FIVE)
    kept = tmp_path / "kept.jsonl"
    kept.write_text(json.dumps({"chain": CHAIN, "seq": 2, "hash": entries[1].hash}) + "\n")
    tamper("DELETE FROM ledger_entry")
    tamper("DELETE FROM ledger_head")
    with pytest.raises(CommandError) as failure:
        call_command(
            "ledger", "verify", "--witness", str(kept), stdout=StringIO(), stderr=StringIO()
        )
    assert failure.value.returncode == 1
    assert f"{kept} line 1 (body:1, entry 2)" in str(failure.value)
    assert "is missing: the chain now ends at entry 0" in str(failure.value)


@pytest.mark.parametrize(
    "line, named",
    [
        ("not json", "it is not a JSON object"),
        ('{"chain": "body:1", "seq": -1, "hash": "' + "0" * 64 + '"}', '"seq"'),
        ('{"chain": "body 1", "seq": 1, "hash": "' + "0" * 64 + '"}', '"chain"'),
        ('{"chain": "body:1", "seq": 1, "hash": "xyz"}', '"hash"'),
    ],
)
def test_a_line_that_is_not_a_witnessed_head_is_a_usage_error_naming_it(tmp_path, line, named):
    kept = tmp_path / "kept.jsonl"
    kept.write_text('{"chain": "body:1", "seq": 0, "hash": "' + "0" * 64 + '"}\n' + line + "\n")
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", "--witness", str(kept), stdout=StringIO())
    assert failure.value.returncode == 2
    assert f"{kept} line 2 is not a witnessed head" in str(failure.value)
    assert named in str(failure.value)


def test_a_missing_witness_file_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", "--witness", str(tmp_path / "nope.jsonl"))
    assert failure.value.returncode == 2 and "nope.jsonl cannot be read" in str(failure.value)


def test_head_json_signs_the_newest_head_the_server_witnessed_not_one_appended_behind_its_back(
    settings, django_capture_on_commit_callbacks
):
    """A database insider appends an entry with a correct hash and moves the head: the signed
    head stays the one the server wrote, so no outside witness is handed the forgery."""
    from comuna.ledger.models import Head

    ensure_key(CHAIN)
    with django_capture_on_commit_callbacks(execute=True):
        written = record_many(CHAIN, FIVE)
    last = written[-1]
    append_behind_the_services(CHAIN, "voting.tally", {"poll": 999})
    assert Head.objects.get(chain=CHAIN).seq == 6
    signed = head_document(CHAIN, "consejo")
    assert (signed["seq"], signed["hash"]) == (5, last.hash)
    assert signed["recorded_at"] == utc_text(last.recorded_at)


def test_the_newest_witnessed_head_only_moves_forward(settings):
    """Commit hooks of two workers may run in either order: an older head arriving late does
    not replace a newer one."""
    from datetime import UTC, datetime

    from comuna.ledger.witness import append_head, last_witnessed

    now = datetime(2026, 11, 30, tzinfo=UTC)
    append_head(CHAIN, 2, "b" * 64, now)
    append_head(CHAIN, 1, "a" * 64, now)
    kept = last_witnessed(CHAIN)
    assert (kept.seq, kept.hash) == (2, "b" * 64)
    assert [w.seq for w in read(settings.COMUNA_WITNESS_FILE)] == [2, 1]  # the log keeps both
