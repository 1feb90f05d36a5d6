"""The ballot box's mixer: what unlinks a counted ballot from the voter who cast it.

A ballot is cast into the box (:class:`BoxedBallot`) in the transaction that marks its voter
as having voted, so in the box it shares that transaction's id (PostgreSQL's ``xmin``) and
sits in casting order. The mixer deletes boxed ballots and writes them into the counted
:class:`Ballot` table in a cryptographically random order with new random ids, all in one
transaction: every ballot it writes carries the mixer's transaction id, and neither its place
in the table nor its id says when it was cast. The callers (``services.mix`` and
``services.close_poll``) hold the poll's lock and own the transaction; :func:`scrub_after_commit`
then removes what the deleted rows left in the database's files. docs/security.md says how far
this goes.
"""

from __future__ import annotations

import logging
import random
import uuid
from typing import Any

from django.db import DatabaseError, connection, transaction

from comuna.voting.models import Ballot, BoxedBallot, Source

log = logging.getLogger("comuna.mixer")

_shuffle = random.SystemRandom().shuffle  # the operating system's randomness, not a seed
_INSERT_BATCH = 1000


def _deleted(sql: str, poll_id: int, fields: list[str], model) -> list[dict[str, Any]]:
    """Run ``DELETE ... RETURNING`` and read the returned columns as the model's fields.

    The rows a concurrent transaction deletes first (a voter changing their ballot) are
    skipped; rows inserted after this statement began stay for the next mix."""
    columns = [model._meta.get_field(f) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [poll_id])
        rows = cursor.fetchall()
    converters = {f.name: f.from_db_value if hasattr(f, "from_db_value") else None for f in columns}
    return [
        {
            f.name: converters[f.name](value, None, connection) if converters[f.name] else value
            for f, value in zip(columns, row, strict=True)
        }
        for row in rows
    ]


def _empty_box(poll_id: int) -> list[dict[str, Any]]:
    return _deleted(
        "DELETE FROM voting_boxedballot WHERE poll_id = %s RETURNING receipt_hash, choices",
        poll_id,
        ["receipt_hash", "choices"],
        BoxedBallot,
    )


def _write_counted(poll_id: int, ballots: list[dict[str, Any]]) -> None:
    """Insert ``ballots`` in a random order, each with a new random id."""
    _shuffle(ballots)
    Ballot.objects.bulk_create(
        (Ballot(id=uuid.uuid4(), poll_id=poll_id, **fields) for fields in ballots),
        batch_size=_INSERT_BATCH,
    )


def mix_box(poll_id: int) -> int:
    """Move the poll's boxed ballots into the counted table; the number moved. The counted
    ballots already there are left as they are (a batch while the poll is open)."""
    boxed = [fields | {"source": Source.ONLINE} for fields in _empty_box(poll_id)]
    _write_counted(poll_id, boxed)
    return len(boxed)


def mix_poll(poll_id: int) -> int:
    """Move the boxed ballots and rewrite every counted ballot of the poll (online and paper)
    in one random order with new ids, so that all of them carry this transaction's id and
    none keeps the batch it was mixed in; the number of ballots written."""
    boxed = [fields | {"source": Source.ONLINE} for fields in _empty_box(poll_id)]
    counted = _deleted(
        "DELETE FROM voting_ballot WHERE poll_id = %s "
        "RETURNING receipt_hash, choices, source, batch_id",
        poll_id,
        ["receipt_hash", "choices", "source", "batch"],
        Ballot,
    )
    for fields in counted:
        fields["batch_id"] = fields.pop("batch")
    ballots = boxed + counted
    _write_counted(poll_id, ballots)
    return len(ballots)


def secure_delete(sender, connection, **kwargs) -> None:
    """SQLite overwrites deleted rows with zeros (on every connection: the setting is not
    stored in the file), so a mixed box row leaves no bytes in the database file."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def scrub_after_commit(*, counted: bool = False) -> None:
    """Once the mix is committed, remove the deleted box rows from the database's files (and,
    with ``counted``, the counted table's dead rows: after closing they hold only the batches
    the ballots were mixed in)."""
    transaction.on_commit(lambda: scrub(counted=counted))


def scrub(*, counted: bool = False) -> None:
    """PostgreSQL: ``VACUUM FULL`` of the box (a plain VACUUM frees the dead rows' space but
    leaves their bytes, transaction id included, in the page until it is reused), a plain
    VACUUM of the counted table if asked. SQLite zeroes deleted rows itself (secure_delete,
    set on every connection): only the write-ahead log still holds the old pages, so it is
    checkpointed and truncated.

    Best effort: rows that a transaction still running may see are kept (PostgreSQL cannot
    remove them yet), and a lock not granted within 200 ms (a long transaction on the box) is
    logged; the scheduler scrubs again every minute while a poll is open."""
    if connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction; the caller's commit hook runs it later
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET lock_timeout = '200ms'")
                try:
                    cursor.execute("VACUUM FULL voting_boxedballot")
                    if counted:
                        cursor.execute("VACUUM voting_ballot")
                finally:
                    cursor.execute("RESET lock_timeout")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        log.warning("could not scrub the ballot box after mixing", exc_info=True)
