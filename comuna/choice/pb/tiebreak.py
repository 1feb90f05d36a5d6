"""Tie orders of projects, for PB rules.

A tie order is given to rules as ``tie_rank``: ``tie_rank[j]`` is project ``j``'s position in
the order, and when two projects are tied the one with the lower rank wins. The orders and
their names are those of ``comuna.choice.ties`` (``PB_TIE_ORDERS``); they mirror pabutools
1.2.3 (``pabutools.tiebreaking``), which sorts the candidates by id first and then, stably, by
the rule's key.
"""

from __future__ import annotations

import numpy as np

from comuna.choice import ties
from comuna.choice.pb.instance import PBInstance, supporters


def tie_rank(inst: PBInstance, name: str = "id") -> np.ndarray:
    """Each project's position in the tie order ``name`` (int64; lower wins a tie)."""
    ties.check(name, ties.PB_TIE_ORDERS)
    ids = [p.id for p in inst.projects]
    keys: list[tuple[object, ...]]
    if name == "listed":
        keys = [(j,) for j in range(len(ids))]
    elif name == "id":
        keys = [(pid,) for pid in ids]
    elif name == "cost-min":
        keys = [(p.cost, p.id) for p in inst.projects]
    elif name == "cost-max":
        keys = [(-p.cost, p.id) for p in inst.projects]
    else:  # "supporters"
        counts = supporters(inst)
        keys = [(-int(counts[j]), pid) for j, pid in enumerate(ids)]
    order = sorted(range(len(ids)), key=keys.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids), dtype=np.int64)
    return rank
