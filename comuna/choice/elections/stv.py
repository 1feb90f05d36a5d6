"""Single transferable vote: several seats, Droop quota, exact weighted inclusive Gregory."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from comuna.choice.messages import Msg, exact

from .piles import Piles, break_tie, weakest
from .profile import RankedProfile
from .result import ElectionResult, Round, transfer_msg
from .tiebreak import tie_rank


class _Weights:
    """The few distinct ballot values in play, exactly.

    Under the weighted inclusive Gregory method a ballot's value is the product of the
    transfer values of the elected candidates it passed through, so only a handful of
    distinct values exist (at most 2**seats). Each distinct ballot carries a class id into
    this table; tallies are integer counts per (candidate, class) times the class value.
    """

    def __init__(self, n_rows: int) -> None:
        self.values: list[Fraction] = [Fraction(1)]
        self.index: dict[Fraction, int] = {Fraction(1): 0}
        self.cls = np.zeros(n_rows, dtype=np.int64)

    def id_of(self, value: Fraction) -> int:
        if value not in self.index:
            self.index[value] = len(self.values)
            self.values.append(value)
        return self.index[value]

    def scale(self, rows: np.ndarray, factor: Fraction) -> None:
        """Multiply the value of ``rows`` by ``factor``."""
        old = self.cls[rows]
        remap = np.arange(len(self.values))
        for w in np.unique(old).tolist():
            remap[w] = self.id_of(self.values[w] * factor)
        self.cls[rows] = remap[old]

    def combine(self, per_class: np.ndarray) -> list[Fraction]:
        """Exact votes from an integer (k, classes) matrix of ballot counts."""
        out = []
        for row in per_class:
            nz = np.flatnonzero(row).tolist()
            out.append(sum((int(row[w]) * self.values[w] for w in nz), Fraction(0)))
        return out


def _moved(piles: Piles, weights: _Weights, rows: np.ndarray) -> dict[int, Fraction]:
    """Exact value of ``rows`` per current pile (-1 = exhausted), zero entries dropped."""
    n_cls = len(weights.values)
    label = (piles.top[rows] + 1) * n_cls + weights.cls[rows]
    sums = np.bincount(label, weights=piles.counts[rows], minlength=(piles.m + 1) * n_cls)
    values = weights.combine(sums.astype(np.int64).reshape(piles.m + 1, n_cls))
    return {j - 1: v for j, v in enumerate(values) if v}


def stv(
    profile: RankedProfile, *, seats: int = 1, tie_order: Sequence[str] | None = None
) -> ElectionResult:
    """Single transferable vote, weighted inclusive Gregory method (WIGM), exact.

    Quota (Droop): ``floor(V / (seats + 1)) + 1`` where V is the number of non-blank
    ballots. Each count: every continuing candidate whose votes reach the quota is elected
    (largest tally first). Then, in this order of priority:

    1. if the candidates still in the count are no more than the seats left, all are elected;
    2. else if an elected candidate's surplus is untransferred, the largest is transferred:
       *every* ballot in their pile (inclusive) moves to its next continuing choice at its
       current value times ``surplus / votes`` (the transfer value), kept as an exact
       fraction: no rounding, unlike the 5-decimal truncation of the Scottish 2007 rules;
    3. else the continuing candidate with the fewest votes is eliminated and each of their
       ballots moves on at its current value.

    After every transfer the count starts again from the top, so a candidate who reaches
    the quota is elected at once and later surpluses skip them (pref_voting's ``stv_wig``
    instead transfers all surpluses of a stage first; the two can differ then).
    Ballots never go to elected or eliminated candidates. A ballot with no further
    continuing choice is exhausted: its value leaves the count (reported as ``exhausted``)
    and the quota is not recomputed. Elected candidates keep exactly the quota.

    Ties: for elimination, the fewest votes in the earliest round where the tied candidates'
    tallies differ, then the one latest in ``tie_order`` (default: candidate order); for the
    order of election and of surplus transfers, the most votes in the earliest differing
    round, then the one earliest in ``tie_order``. Every tie broken is listed in
    ``tie_breaks``.
    """
    names = list(profile.candidates)
    m = len(names)
    if not 1 <= seats <= m:
        raise ValueError(f"seats must be between 1 and the {m} candidates, got {seats}")
    rank = tie_rank(names, tie_order)
    valid = profile.n_valid
    quota = valid // (seats + 1) + 1
    result = ElectionResult("stv", names, seats, [], quota=quota)
    if valid == 0:
        result.rounds.append(Round(1, {}, says=[Msg("election.no_valid")]))
        return result

    piles = Piles(profile)
    weights = _Weights(len(profile.counts))
    continuing = np.ones(m, dtype=bool)
    pending: list[int] = []  # elected, surplus not yet transferred
    history: list[list[Fraction | None]] = []
    exhausted = Fraction(0)

    def ordered_desc(cands: list[int], t: list[Fraction], number: int) -> list[int]:
        # Highest tally first; equal tallies resolved by break_tie (documented above).
        out: list[int] = []
        for value in sorted({t[j] for j in cands}, reverse=True):
            group = [j for j in cands if t[j] == value]
            while len(group) > 1:
                pick, note = break_tie(group, history, rank, names, lowest=False, number=number)
                result.tie_breaks.append(note)
                out.append(pick)
                group.remove(pick)
            out.extend(group)
        return out

    while len(result.winners) < seats:
        number = len(history) + 1
        t = weights.combine(piles.tally_by_class(weights.cls, len(weights.values)))
        in_count = [j for j in range(m) if continuing[j] or j in pending]
        history.append([t[j] if (continuing[j] or j in pending) else None for j in range(m)])
        rnd = Round(number, {names[j]: t[j] for j in in_count}, exhausted=exhausted)
        result.rounds.append(rnd)
        says = rnd.says

        reached = [j for j in range(m) if continuing[j] and t[j] >= quota]
        if reached:
            for j in ordered_desc(reached, t, number)[: seats - len(result.winners)]:
                continuing[j] = False
                pending.append(j)
                result.winners.append(names[j])
                rnd.elected.append(names[j])
                params = {"candidate": names[j], "votes": exact(t[j]), "quota": quota}
                says.append(Msg("election.stv.elected", params))
        left = seats - len(result.winners)
        cont = np.flatnonzero(continuing).tolist()
        if left == 0:
            says.append(Msg("election.stv.filled"))
            break

        if len(cont) <= left:
            for j in ordered_desc(cont, t, number):
                result.winners.append(names[j])
                rnd.elected.append(names[j])
            rest = {"candidates": [names[j] for j in cont], "seats": left}
            says.append(Msg("election.stv.rest_elected", rest))
            break

        # A zero surplus moves nothing: those ballots stay with the candidate, worth the quota.
        pending = [j for j in pending if t[j] > quota]
        if pending:
            # Largest surplus first; a tie in surplus is a tie in votes (same quota).
            c = ordered_desc(pending, t, number)[0]
            pending.remove(c)
            surplus = t[c] - quota
            tv = surplus / t[c]
            rows = piles.rows_of(c)
            weights.scale(rows, tv)
            piles.advance(rows, continuing)
            moved = _moved(piles, weights, rows)
            params = {"candidate": names[c], "surplus": exact(surplus), "value": exact(tv)}
            says.append(Msg("election.stv.surplus", params))
        else:
            c = weakest(cont, t, history, rank, names, number, result)
            low = t[c]  # before the transfer changes the tallies
            continuing[c] = False
            rows = piles.rows_of(c)
            piles.advance(rows, continuing)
            moved = _moved(piles, weights, rows)
            rnd.eliminated.append(names[c])
            params = {"candidate": names[c], "votes": exact(low), "other": bool(says)}
            says.append(Msg("election.stv.eliminated", params))
        exhausted += moved.get(-1, Fraction(0))
        rnd.transferred_from = names[c]
        rnd.transfers = {(names[j] if j >= 0 else "exhausted"): v for j, v in sorted(moved.items())}
        rnd.exhausted = exhausted
        to = {names[j]: v for j, v in sorted(moved.items()) if j >= 0}
        says.append(transfer_msg(names[c], to, moved.get(-1, Fraction(0))))
    return result
