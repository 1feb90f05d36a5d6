"""Append-only, hash-chained record of decisions, tallies, allocations and expenses.

The public API, importable from here once Django is set up::

    record(chain, kind, payload, *, actor="") -> Entry   # the only writer
    entries(chain) -> QuerySet[Entry]; head(chain) -> Head | None; chains() -> list[str]
    register_check(kind, func); register_chain_check(name, func); verify(chains=None) -> Report
    canonical_json(obj) -> str

A chain is named by a string (a body's chain is ``f"body:{body.pk}"``); the ledger imports no
other Comuna app. The hash formula is in ``comuna.ledger.hashing``.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "record": "comuna.ledger.services",
    "entries": "comuna.ledger.services",
    "head": "comuna.ledger.services",
    "chains": "comuna.ledger.services",
    "register_check": "comuna.ledger.checks",
    "register_chain_check": "comuna.ledger.checks",
    "verify": "comuna.ledger.verification",
    "Report": "comuna.ledger.verification",
    "Problem": "comuna.ledger.verification",
    "canonical_json": "comuna.ledger.canonical",
    "GENESIS_HASH": "comuna.ledger.hashing",
    "AppendOnlyError": "comuna.ledger.models",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # Lazy, so importing the package does not import models before the app registry is ready.
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'comuna.ledger' has no attribute {name!r}")
