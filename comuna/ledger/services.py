"""Writing to the ledger (``record``, its only writer) and reading it (``entries``, ``head``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comuna import rows
from comuna.ledger.canonical import canonical_json
from comuna.ledger.hashing import GENESIS_HASH, check_name
from comuna.ledger.models import Entry, Head
from comuna.ledger.witness import witness_commit

__all__ = ["chains", "entries", "head", "record"]


def record(chain: str, kind: str, payload: object, *, actor: str = "") -> Entry:
    """Append one entry to ``chain`` and move the chain's head to it.

    Call it inside the transaction that makes the change it records (``transaction.atomic``),
    so both commit or neither does. ``payload`` must be canonical-JSON-able (no floats; see
    ``comuna.ledger.canonical``). ``actor`` names who acted (e.g. ``"user:12"``); it must
    never identify a voter of a secret ballot.

    Once the transaction commits, the new head is appended to the server's witness file
    (``comuna.ledger.witness``). Writers of one chain queue on its head row; a transaction that records into several chains
    should take them in a fixed order (e.g. sorted) to avoid deadlocks.
    """
    check_name("chain", chain)
    check_name("kind", kind)
    check_name("actor", actor, allow_empty=True)
    text = canonical_json(payload, root="payload")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "comuna.ledger.record() must be called inside transaction.atomic(), so the entry "
            "commits or rolls back together with the change it records"
        )
    current = _locked_head(chain)
    entry = Entry(
        chain=chain,
        seq=current.seq + 1,
        kind=kind,
        payload=text,
        prev_hash=current.hash,
        recorded_at=timezone.now(),
        actor=actor,
    )
    entry.hash = entry.computed_hash()
    entry._written_by_record = True
    entry.save(force_insert=True)
    current.seq, current.hash, current.updated_at = entry.seq, entry.hash, entry.recorded_at
    current.save(update_fields=["seq", "hash", "updated_at"])
    witness_commit(chain, entry.seq, entry.hash, entry.recorded_at)
    return entry


def _locked_head(chain: str) -> Head:
    # Insert-if-absent first (ON CONFLICT DO NOTHING / INSERT OR IGNORE): two first writers of
    # a new chain cannot both create it; the second waits for the first, then locks its row.
    Head.objects.bulk_create(
        [Head(chain=chain, seq=0, hash=GENESIS_HASH, updated_at=timezone.now())],
        ignore_conflicts=True,
    )
    return Head.objects.select_for_update().get(chain=chain)


def entries(chain: str) -> QuerySet[Entry]:
    """The entries of ``chain`` in order, first to last."""
    return Entry.objects.filter(chain=chain).order_by("seq")


def head(chain: str) -> Head | None:
    """The published head of ``chain``, or None if nothing was ever recorded in it. Read with
    one plain statement: every receipt of a ballot shows it."""
    return rows.first(Head, "chain = %s AND seq > 0", [chain])


def chains() -> list[str]:
    """Every chain with an entry or a head, sorted by name."""
    names = set(Entry.objects.values_list("chain", flat=True).distinct())
    names |= set(Head.objects.values_list("chain", flat=True))
    return sorted(names)
