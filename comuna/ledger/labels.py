"""How the `comuna ledger` command names chains: registered by the apps that own them.

The ledger knows chains by name (``body:12``); territory knows that chain as the body
``cc-las-veritas``. An app registers an object with ``labels()`` (chain -> label, in the order
to report them) and ``find(label)`` (label -> chain, or None), so the ledger imports no app.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ChainLabels", "find_chain", "labels", "register_chain_labels"]


class ChainLabels(Protocol):
    def labels(self) -> dict[str, str]: ...

    def find(self, label: str) -> str | None: ...


_REGISTERED: list[ChainLabels] = []


def register_chain_labels(namer: ChainLabels) -> ChainLabels:
    if not any(type(n) is type(namer) for n in _REGISTERED):
        _REGISTERED.append(namer)
    return namer


def labels() -> dict[str, str]:
    """Every registered chain's label, app by app in registration order."""
    out: dict[str, str] = {}
    for namer in _REGISTERED:
        for chain, label in namer.labels().items():
            out.setdefault(chain, label)
    return out


def find_chain(label: str) -> str | None:
    for namer in _REGISTERED:
        chain = namer.find(label)
        if chain is not None:
            return chain
    return None
