"""Re-checks of recorded outcomes, registered by the capabilities that record them.

The ledger knows hashes, not ballots. A capability that records an outcome it can recompute
(voting re-counts a tally from the ballots it keeps) registers a check for that entry kind,
usually in its ``AppConfig.ready()``::

    register_check("voting.tally", recount_tally)

A check takes the :class:`~comuna.ledger.models.Entry` and returns None when the outcome
recomputes identically, or one sentence saying what differs. ``verify`` runs the check of
every entry's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from comuna.ledger.hashing import check_name

if TYPE_CHECKING:
    from comuna.ledger.models import Entry

__all__ = [
    "ChainCheck",
    "Check",
    "chain_checks",
    "changed",
    "check_for",
    "checked_kinds",
    "differs",
    "label_for",
    "register_chain_check",
    "register_check",
]

Check = Callable[["Entry"], "str | None"]

ChainCheck = Callable[[str], "list[tuple[int, str, str]]"]

_CHECKS: dict[str, Check] = {}
_LABELS: dict[str, object] = {}
_CHAIN_CHECKS: dict[str, ChainCheck] = {}


def register_check(kind: str, func: Check, *, label: object = None) -> Check:
    """Make ``func`` the check of entries of ``kind``; returns ``func``. ``label`` is what
    people read for the kind (a lazily translated string), e.g. on the ledger page.

    Registering the same function again is harmless; a different function for a kind that
    already has one is refused, so two capabilities cannot silently claim one kind.
    """
    check_name("kind", kind)
    if not callable(func):
        raise TypeError(f"the check for {kind!r} must be callable, not {func!r}")
    existing = _CHECKS.get(kind)
    if existing is not None and existing is not func:
        raise ValueError(f"ledger kind {kind!r} already has a check: {existing!r}")
    _CHECKS[kind] = func
    if label is not None:
        _LABELS[kind] = label
    return func


def label_for(kind: str) -> object:
    """The registered label of ``kind``, or the kind itself."""
    return _LABELS.get(kind, kind)


def check_for(kind: str) -> Check | None:
    """The check registered for ``kind``, if any."""
    return _CHECKS.get(kind)


def checked_kinds() -> frozenset[str]:
    """Every entry kind that has a registered check."""
    return frozenset(_CHECKS)


def register_chain_check(name: str, func: ChainCheck) -> ChainCheck:
    """Run ``func(chain)`` once per verified chain, after its entries; returns ``func``."""
    check_name("kind", name)
    existing = _CHAIN_CHECKS.get(name)
    if existing is not None and existing is not func:
        raise ValueError(f"chain check {name!r} is already registered: {existing!r}")
    _CHAIN_CHECKS[name] = func
    return func


def chain_checks() -> dict[str, ChainCheck]:
    """The registered chain checks, by name."""
    return dict(_CHAIN_CHECKS)


def changed(what: str, pk: Any, fields: list[str]) -> str | None:
    """None when ``fields`` is empty; else the sentence a check returns: which fields of
    ``what`` ``pk`` differ from its entry."""
    if not fields:
        return None
    return _("%(what)s %(id)s differs from its entry: %(fields)s") % {
        "what": what,
        "id": pk,
        "fields": ", ".join(sorted(fields)),
    }


def differs(
    what: str, pk: Any, recorded: dict, now: dict, *, every_key: bool = False
) -> str | None:
    """A check's answer comparing what an entry ``recorded`` with what the database gives
    ``now``: each key of ``now`` (of either, with ``every_key``) must hold the same value."""
    keys = set(now) | set(recorded) if every_key else set(now)
    return changed(what, pk, [k for k in keys if now.get(k) != recorded.get(k)])
