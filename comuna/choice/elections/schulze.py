"""Schulze (beatpath): the winner beats everyone along its strongest paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from comuna.choice.messages import Msg

from .profile import RankedProfile
from .result import ElectionResult, Round
from .tiebreak import tie_rank


# Candidates per bitmask block in pairwise_matrix; the histogram has m * 2**block bins, so
# beyond 16 candidates smaller blocks keep it small (m=200: 0.8 M bins, not 13 M).
def _block(m: int) -> int:
    return m if m <= 16 else 12


def pairwise_matrix(profile: RankedProfile) -> np.ndarray:
    """``d[a, b]`` = voters ranking ``a`` above ``b`` (a ranked candidate is above every
    unranked one; unranked candidates are tied with each other), exact int64.

    Instead of comparing every pair on every ballot (u * m**2 work), walk the ballots position
    by position carrying the set of candidates already seen as a bitmask; a histogram of
    (candidate at this position, set ranked before it) gives Q[a, b] = voters ranking b above
    a. Then d[a, b] = voters ranking a at all - Q[a, b]. Work: u * L histogram updates per
    block of up to 16 candidates, plus one small matrix product.
    """
    m = len(profile.candidates)
    r = profile.rankings
    c = profile.counts.astype(np.float64)  # float64 sums of counts are exact below 2**53
    ranked = np.zeros(m, dtype=np.float64)
    q = np.zeros((m, m), dtype=np.float64)
    block = _block(m)
    for lo in range(0, m, block):
        width = min(block, m - lo)
        seen = np.zeros(len(c), dtype=np.int64)
        hist = np.zeros(m << width, dtype=np.float64)
        for k in range(r.shape[1]):
            col = r[:, k].astype(np.int64)
            live = col >= 0
            if not live.any():
                break
            key = (col[live] << width) | seen[live]
            hist += np.bincount(key, weights=c[live], minlength=m << width)
            if lo == 0:
                ranked += np.bincount(col[live], weights=c[live], minlength=m)
            inblock = live & (col >= lo) & (col < lo + width)
            seen[inblock] |= np.int64(1) << (col[inblock] - lo)
        bits = ((np.arange(1 << width)[:, None] >> np.arange(width)[None, :]) & 1).astype(
            np.float64
        )
        q[:, lo : lo + width] = hist.reshape(m, 1 << width) @ bits
    d = np.rint(ranked[:, None] - q).astype(np.int64)
    np.fill_diagonal(d, 0)
    return d


def strongest_paths(d: np.ndarray, strength: str = "winning") -> np.ndarray:
    """``p[a, b]`` = strength of the strongest path from a to b (0: no path), exact ints.

    A link a -> b exists when more voters rank a above b than b above a; its strength is
    ``d[a, b]`` ("winning" votes, Schulze's recommendation) or ``d[a, b] - d[b, a]``
    ("margin", as pref_voting's beat_path). A path is as strong as its weakest link.
    """
    if strength == "winning":
        p = np.where(d > d.T, d, 0)
    elif strength == "margin":
        p = np.where(d > d.T, d - d.T, 0)
    else:
        raise ValueError(f"strength must be 'winning' or 'margin', not {strength!r}")
    p = p.astype(np.int64)
    for k in range(len(d)):  # Floyd-Warshall on the (max, min) semiring
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def schulze(
    profile: RankedProfile,
    *,
    seats: int = 1,
    tie_order: Sequence[str] | None = None,
    strength: str = "winning",
) -> ElectionResult:
    """Schulze's beatpath method; ``seats`` > 1 takes the top of the Schulze ranking.

    Candidate a beats b when the strongest path from a to b is stronger than the one from b
    to a (see ``strongest_paths`` for ``strength``); this relation is transitive, and the
    winners are the candidates no one beats. The ranking is built by repeatedly taking a
    candidate not beaten by any candidate still unranked.

    Ties: when several candidates are unbeaten at a step, the one earliest in ``tie_order``
    (default: candidate order) is taken; when that decides a seat, ``tie_breaks`` says so.
    ``tables`` holds ``pairwise`` (d) and ``strongest_paths`` (p).
    """
    names = list(profile.candidates)
    m = len(names)
    if not 1 <= seats <= m:
        raise ValueError(f"seats must be between 1 and the {m} candidates, got {seats}")
    rank = tie_rank(names, tie_order)
    d = pairwise_matrix(profile)
    p = strongest_paths(d, strength)
    beats = p > p.T
    result = ElectionResult(
        "schulze",
        names,
        seats,
        [],
        tables={"pairwise": d.tolist(), "strongest_paths": p.tolist()},
        counts_votes=False,
    )
    if profile.n_valid == 0:
        result.rounds.append(Round(1, {}, says=[Msg("election.no_valid")]))
        return result
    left = list(range(m))
    wins = {names[j]: int(beats[j].sum()) for j in range(m)}
    for place in range(1, seats + 1):
        unbeaten = [j for j in left if not beats[left, j].any()]
        pick = min(unbeaten, key=lambda j: rank[j])
        if len(unbeaten) > 1:
            params = {"place": place, "tied": [names[j] for j in unbeaten], "picked": names[pick]}
            result.tie_breaks.append(Msg("election.tie.schulze", params))
        left.remove(pick)
        paths = [[names[j], int(p[pick, j]), int(p[j, pick])] for j in left]
        said = Msg(
            "election.schulze.placed", {"candidate": names[pick], "place": place, "paths": paths}
        )
        result.winners.append(names[pick])
        result.rounds.append(Round(place, dict(wins), elected=[names[pick]], says=[said]))
    return result
