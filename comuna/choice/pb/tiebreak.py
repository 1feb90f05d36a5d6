"""Tie-breaking orders for PB rules.

A tie order is given to rules as ``tie_rank``: ``tie_rank[j]`` is project ``j``'s position in
the order, and when two projects are tied the one with the lower rank wins. Every order ends
with the project id compared as text, so it is total and deterministic.

The orders mirror pabutools 1.2.3 (``pabutools.tiebreaking``), which sorts the candidates by
id first and then, stably, by the rule's key:

- ``"id"``: ids compared as text, so "10" comes before "9" (pabutools' default,
  ``lexico_tie_breaking``);
- ``"cost-min"``: cheapest first, then id (``min_cost_tie_breaking``);
- ``"cost-max"``: most expensive first, then id (``max_cost_tie_breaking``);
- ``"votes"``: most ballots listing the project first, then id (``app_score_tie_breaking``,
  which pabutools only defines for approval ballots; here a project "has a vote" from every
  ballot that lists it, whatever the ballot type).
"""

from __future__ import annotations

import numpy as np

from comuna.choice.pb.instance import PBInstance

TIE_ORDERS: dict[str, str] = {
    "id": 'project ids compared as text ("10" before "9"), pabutools\' default',
    "cost-min": "cheapest project first, then id",
    "cost-max": "most expensive project first, then id",
    "votes": "project listed on most ballots first, then id",
}


def ballot_counts(inst: PBInstance) -> np.ndarray:
    """How many ballots list each project (int64, one entry per project)."""
    return np.bincount(inst.indices, minlength=inst.n_projects).astype(np.int64)


def tie_rank(inst: PBInstance, name: str = "id") -> np.ndarray:
    """Each project's position in the tie order ``name`` (int64; lower wins a tie)."""
    ids = [p.id for p in inst.projects]
    if name == "id":
        keys = [(pid,) for pid in ids]
    elif name == "cost-min":
        keys = [(p.cost, p.id) for p in inst.projects]
    elif name == "cost-max":
        keys = [(-p.cost, p.id) for p in inst.projects]
    elif name == "votes":
        counts = ballot_counts(inst)
        keys = [(-int(counts[j]), pid) for j, pid in enumerate(ids)]
    else:
        known = ", ".join(TIE_ORDERS)
        raise ValueError(f"unknown tie-breaking order {name!r} (known: {known})")
    order = sorted(range(len(ids)), key=keys.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids), dtype=np.int64)
    return rank
