"""How an entry's hash is computed, exactly, so anyone can recompute it.

An entry's hash is the SHA-256 (lower-case hex) of the UTF-8 bytes of this text, written on one
line with nothing added or left out (no spaces, no newline at the end)::

    {"actor":"<actor>","chain":"<chain>","kind":"<kind>","payload":<payload>,
    "prev_hash":"<prev_hash>","recorded_at":"<recorded_at>","seq":<seq>}

where

- ``<chain>``, ``<kind>``, ``<actor>`` are the entry's fields as stored. They are restricted to
  the characters ``A-Z a-z 0-9 . _ : / @ -`` (``<actor>`` may be empty), so they never need
  escaping inside the quotes;
- ``<payload>`` is the stored payload text, verbatim: it is already canonical JSON (see
  ``comuna.ledger.canonical``);
- ``<prev_hash>`` is the previous entry's hash in the same chain, or 64 zeros (``"0" * 64``)
  for the first entry (``seq`` 1);
- ``<recorded_at>`` is the recording time in UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six
  digits of microseconds), e.g. ``2025-03-01T14:07:09.000120Z``;
- ``<seq>`` is the entry's position in its chain, a decimal integer counting from 1.

Equivalently, the text is the canonical JSON of the object with those seven members and the
parsed payload as the value of ``"payload"``. With a shell and coreutils::

    printf '%s' '{"actor":"user:7","chain":"body:3","kind":"assembly.minutes",'\\
    '"payload":{"motion":"Plaza","yes":41},"prev_hash":"000…000",'\\
    '"recorded_at":"2025-03-01T14:07:09.000120Z","seq":1}' | sha256sum

The published head of a chain is the hash of its last entry.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

__all__ = ["GENESIS_HASH", "NAME_PATTERN", "check_name", "entry_hash", "entry_text", "utc_text"]

GENESIS_HASH = "0" * 64

# Chain, kind and actor: short names needing no escaping in JSON or in a shell's quotes.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}\Z")


def check_name(field: str, value: object, *, allow_empty: bool = False) -> str:
    """Return ``value`` if it is a valid chain, kind or actor name; else raise ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"ledger {field} must be a string, not {type(value).__name__}")
    if value == "" and allow_empty:
        return value
    if not NAME_PATTERN.match(value):
        raise ValueError(
            f"ledger {field} {value!r} must be 1-100 characters from A-Z a-z 0-9 . _ : / @ - "
            "starting with a letter or digit"
        )
    return value


def utc_text(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if moment.tzinfo is None:
        raise ValueError("the recording time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_text(
    *,
    chain: str,
    seq: int,
    kind: str,
    recorded_at: datetime,
    actor: str,
    payload: str,
    prev_hash: str,
) -> str:
    """The exact text whose SHA-256 is the entry's hash (see the module docstring)."""
    return (
        f'{{"actor":"{actor}","chain":"{chain}","kind":"{kind}","payload":{payload},'
        f'"prev_hash":"{prev_hash}","recorded_at":"{utc_text(recorded_at)}","seq":{seq}}}'
    )


def entry_hash(
    *,
    chain: str,
    seq: int,
    kind: str,
    recorded_at: datetime,
    actor: str,
    payload: str,
    prev_hash: str,
) -> str:
    """SHA-256 hex of :func:`entry_text` of the given fields."""
    text = entry_text(
        chain=chain,
        seq=seq,
        kind=kind,
        recorded_at=recorded_at,
        actor=actor,
        payload=payload,
        prev_hash=prev_hash,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
