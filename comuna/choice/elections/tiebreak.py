"""Tie orders of candidates: an explicit argument of every election rule, never hidden.

A rule takes the order as a list of every candidate, the one winning ties first; ``count``
also takes the names of ``comuna.choice.ties`` ("listed", "id", "supporters").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from comuna.choice import ties

from .profile import ApprovalProfile, RankedProfile


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


def named_order(profile: RankedProfile | ApprovalProfile, name: str) -> list[str]:
    """The candidates in the tie order ``name`` of ``comuna.choice.ties``, the winner first."""
    ties.check(name, ties.ELECTION_TIE_ORDERS)
    names = list(profile.candidates)
    if name == "listed":
        return names
    if name == "id":
        return sorted(names)
    # "supporters": the ballots that list each candidate, then id
    if isinstance(profile, ApprovalProfile):
        listing = profile.approvals
    else:
        listing = np.zeros((len(profile.counts), len(names)), dtype=bool)
        rows, places = np.nonzero(profile.rankings >= 0)
        listing[rows, profile.rankings[rows, places]] = True
    support = (listing.astype(np.int64) * profile.counts[:, None]).sum(axis=0).tolist()
    order = sorted(range(len(names)), key=lambda j: (-support[j], names[j]))
    return [names[j] for j in order]
