"""The entry hash is recomputable from the documented text with nothing but SHA-256."""

import hashlib
import shutil
import subprocess
from datetime import UTC

import pytest

from comuna.ledger import GENESIS_HASH

from .conftest import record_many

pytestmark = pytest.mark.django_db


def documented_text(entry):
    at = entry.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return (
        f'{{"actor":"{entry.actor}","chain":"{entry.chain}","kind":"{entry.kind}",'
        f'"payload":{entry.payload},"prev_hash":"{entry.prev_hash}",'
        f'"recorded_at":"{at}","seq":{entry.seq}}}'
    )


def test_each_hash_is_the_sha256_of_the_documented_text():
    first, second = record_many(
        "body:3",
        [("assembly.minutes", {"motion": "Plaza", "yes": 41}), ("k", {"ñ": "ü"})],
        actor="user:7",
    )
    assert first.prev_hash == GENESIS_HASH == "0" * 64
    for entry in (first, second):
        digest = hashlib.sha256(documented_text(entry).encode("utf-8")).hexdigest()
        assert entry.hash == digest


def test_the_documented_text_is_the_canonical_json_of_the_entry():
    import json

    from comuna.ledger import canonical_json

    (entry,) = record_many("body:3", [("k", {"b": [1, {"z": None, "a": "x"}]})])
    fields = {
        "actor": entry.actor,
        "chain": entry.chain,
        "kind": entry.kind,
        "payload": json.loads(entry.payload),
        "prev_hash": entry.prev_hash,
        "recorded_at": entry.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "seq": entry.seq,
    }
    assert canonical_json(fields) == documented_text(entry)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_sha256sum_gives_the_same_hash():
    (entry,) = record_many("body:3", [("k", {"nombre": "Peña"})])
    out = subprocess.run(
        ["sha256sum"], input=documented_text(entry).encode("utf-8"), capture_output=True, check=True
    )
    assert out.stdout.split()[0].decode() == entry.hash


def test_the_hash_survives_a_round_trip_through_the_database():
    from comuna.ledger.models import Entry

    (entry,) = record_many("body:3", [("k", {})])
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.computed_hash() == stored.hash == entry.hash
