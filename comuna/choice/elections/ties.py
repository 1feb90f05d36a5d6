"""Tie orders: an explicit argument of every election rule, never hidden."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def tie_rank(candidates: Sequence[str], tie_order: Sequence[str] | None) -> np.ndarray:
    """``rank[j]`` = candidate j's place in the tie order (lower wins a tie).

    ``tie_order`` lists every candidate once, the one that wins ties first; ``None`` means the
    profile's own candidate order.
    """
    m = len(candidates)
    if tie_order is None:
        return np.arange(m)
    order = [str(c) for c in tie_order]
    if sorted(order) != sorted(candidates) or len(set(order)) != m:
        missing = sorted(set(candidates) - set(order))
        extra = sorted(set(order) - set(candidates))
        raise ValueError(
            "tie_order must list every candidate exactly once"
            + (f"; missing {missing}" if missing else "")
            + (f"; unknown {extra}" if extra else "")
        )
    index = {c: i for i, c in enumerate(candidates)}
    rank = np.empty(m, dtype=np.int64)
    for place, c in enumerate(order):
        rank[index[c]] = place
    return rank
