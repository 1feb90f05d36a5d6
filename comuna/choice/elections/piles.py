"""Sorting ranked ballots into piles by their top continuing choice, and moving them on.

Shared by instant-runoff and STV. Each distinct ballot keeps a cursor into its ranking; when
its current choice leaves the count the cursor moves forward, all affected ballots at once
(one vectorised step per ranking position, never a per-ballot Python loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from comuna.choice.messages import Msg

from .profile import RankedProfile
from .result import ElectionResult, Votes

EXHAUSTED = -1


class Piles:
    """Where each distinct ballot currently sits: ``top[i]`` is a candidate index or -1."""

    def __init__(self, profile: RankedProfile) -> None:
        self.rankings = profile.rankings
        self.counts = profile.counts
        self.m = len(profile.candidates)
        self.pos = np.zeros(len(self.counts), dtype=np.int64)
        self.top = self.rankings[:, 0].astype(np.int64)  # -1 for blank ballots

    def rows_of(self, candidate: int) -> np.ndarray:
        return np.flatnonzero(self.top == candidate)

    def advance(self, rows: np.ndarray, continuing: np.ndarray) -> None:
        """Move ``rows`` to their next preference that is still ``continuing`` (or exhaust)."""
        width = self.rankings.shape[1]
        todo = rows
        while todo.size:
            p = self.pos[todo] + 1
            self.pos[todo] = p
            inside = p < width
            nxt = np.full(todo.size, EXHAUSTED, dtype=np.int64)
            nxt[inside] = self.rankings[todo[inside], p[inside]]
            settled = (nxt == EXHAUSTED) | continuing[np.maximum(nxt, 0)]
            self.top[todo[settled]] = nxt[settled]
            todo = todo[~settled]

    def tally_by_class(self, classes: np.ndarray, n_classes: int) -> np.ndarray:
        """Votes per (candidate, weight class) as an exact int64 (m, n_classes) matrix."""
        live = self.top >= 0
        label = self.top[live] * n_classes + classes[live]
        # float64 sums of integer counts are exact: profiles hold fewer than 2**53 voters.
        sums = np.bincount(label, weights=self.counts[live], minlength=self.m * n_classes)
        return sums.astype(np.int64).reshape(self.m, n_classes)

    def tally(self) -> np.ndarray:
        live = self.top >= 0
        sums = np.bincount(self.top[live], weights=self.counts[live], minlength=self.m)
        return sums.astype(np.int64)

    def moved(self, rows: np.ndarray) -> dict[int, int]:
        """Ballots among ``rows`` per current pile (-1 = exhausted)."""
        tops = self.top[rows] + 1  # shift so exhausted (-1) lands in bin 0
        sums = np.bincount(tops, weights=self.counts[rows], minlength=self.m + 1)
        return {j - 1: int(v) for j, v in enumerate(sums) if v}


def break_tie(
    tied: Sequence[int],
    history: Sequence[Sequence[Fraction | int | None]],
    rank: np.ndarray,
    names: Sequence[str],
    *,
    lowest: bool,
    number: int,
) -> tuple[int, Msg]:
    """Pick one of ``tied`` candidates (equal now, in round ``number``) and say how.

    ``lowest=True`` picks the one to eliminate: the fewest votes in the earliest round where
    the tied candidates' tallies differ; if they never differed, the one latest in the tie
    order. ``lowest=False`` picks the one to prefer: most votes in the earliest differing
    round, else earliest in the tie order.
    """
    group = list(tied)
    for r, tallies in enumerate(history):
        vals = {j: v for j in group if (v := tallies[j]) is not None}
        if len(vals) < len(group):
            continue
        best = min(vals.values()) if lowest else max(vals.values())
        keep = [j for j in group if vals[j] == best]
        if len(keep) < len(group):
            group = keep
            if len(group) == 1:
                said = "election.tie.fewest_before" if lowest else "election.tie.most_before"
                params = {
                    "round": number,
                    "tied": [names[j] for j in tied],
                    "picked": names[group[0]],
                    "earlier": r + 1,
                }
                return group[0], Msg(said, params)
    pick = max(group, key=lambda j: rank[j]) if lowest else min(group, key=lambda j: rank[j])
    params = {
        "round": number,
        "tied": [names[j] for j in tied],
        "still": [names[j] for j in group],
        "picked": names[pick],
    }
    return pick, Msg("election.tie.order_last" if lowest else "election.tie.order_first", params)


def weakest(
    cont: Sequence[int],
    tallies: Sequence[Votes] | np.ndarray,
    history: Sequence[Sequence[Votes | None]],
    rank: np.ndarray,
    names: Sequence[str],
    number: int,
    result: ElectionResult,
) -> int:
    """The continuing candidate with the fewest votes; a tie is broken by ``break_tie`` and
    noted in ``result.tie_breaks``."""
    low = min(tallies[j] for j in cont)
    tied = [j for j in cont if tallies[j] == low]
    if len(tied) == 1:
        return int(tied[0])
    loser, note = break_tie(tied, history, rank, names, lowest=True, number=number)
    result.tie_breaks.append(note)
    return loser
