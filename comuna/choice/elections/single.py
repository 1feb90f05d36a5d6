"""Counting rules with one round: plurality (single choice) and approval."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from comuna.choice.messages import Msg

from .profile import ApprovalProfile, RankedProfile
from .result import ElectionResult, Round
from .tiebreak import tie_rank

_CHUNK = 1 << 16


def _check_seats(seats: int, m: int) -> None:
    if not 1 <= seats <= m:
        raise ValueError(f"seats must be between 1 and the {m} candidates, got {seats}")


def top_by_votes(
    tallies: Sequence[int], rank: np.ndarray, seats: int, names: Sequence[str]
) -> tuple[list[int], list[Msg]]:
    """The ``seats`` candidates with most votes, and any tie that decided who won.

    Equal tallies are ordered by the tie order (lower ``rank`` first). A tie is reported when
    the candidates sharing the last winner's tally were not all elected (or not all left out).
    """
    order = sorted(range(len(tallies)), key=lambda j: (-tallies[j], rank[j]))
    chosen = order[:seats]
    notes = []
    cut = tallies[chosen[-1]]
    tied = [j for j in order if tallies[j] == cut]
    if any(j not in chosen for j in tied):
        won = [names[j] for j in tied if j in chosen]
        lost = [names[j] for j in tied if j not in chosen]
        params = {"tied": [names[j] for j in tied], "votes": cut, "won": won, "lost": lost}
        notes.append(Msg("election.tie.votes", params))
    return chosen, notes


def plurality(
    profile: RankedProfile, *, seats: int = 1, tie_order: Sequence[str] | None = None
) -> ElectionResult:
    """Single choice: each ballot counts for its first choice; most votes win.

    With ``seats`` > 1 the ``seats`` candidates with most first choices win (single
    non-transferable vote). Blank ballots count for no one. Ties: equal tallies are ordered
    by ``tie_order`` (default: candidate order), and the result says so in ``tie_breaks``.
    """
    names = list(profile.candidates)
    _check_seats(seats, len(names))
    first = profile.rankings[:, 0]
    valid = first >= 0
    tallies = np.bincount(first[valid], weights=profile.counts[valid], minlength=len(names))
    votes = [int(v) for v in tallies]  # exact: profile sizes stay below 2**53
    chosen, notes = top_by_votes(votes, tie_rank(names, tie_order), seats, names)
    winners = [names[j] for j in chosen]
    says = [
        Msg(
            "election.plurality.elected",
            {"candidate": names[j], "votes": votes[j], "valid": sum(votes), "seats": seats},
        )
        for j in chosen
    ]
    rnd = Round(1, dict(zip(names, votes, strict=True)), elected=winners, says=says)
    return ElectionResult("plurality", names, seats, winners, [rnd], tie_breaks=notes)


def approval_tallies(profile: ApprovalProfile) -> list[int]:
    """Approvals per candidate, exact (float64 partial sums of integer counts < 2**53)."""
    m = len(profile.candidates)
    total = np.zeros(m, dtype=np.float64)
    weights = profile.counts.astype(np.float64)
    # Chunks keep the float copy of the boolean matrix small (memory linear, bounded).
    for start in range(0, len(weights), _CHUNK):
        block = profile.approvals[start : start + _CHUNK]
        total += weights[start : start + _CHUNK] @ block.astype(np.float64)
    return [int(v) for v in total]


def approval(
    profile: ApprovalProfile, *, seats: int = 1, tie_order: Sequence[str] | None = None
) -> ElectionResult:
    """Approval voting: the ``seats`` candidates approved by most voters win.

    Ties: equal approval counts are ordered by ``tie_order`` (default: candidate order), and
    the result says so in ``tie_breaks``.
    """
    names = list(profile.candidates)
    _check_seats(seats, len(names))
    votes = approval_tallies(profile)
    chosen, notes = top_by_votes(votes, tie_rank(names, tie_order), seats, names)
    winners = [names[j] for j in chosen]
    says = [
        Msg(
            "election.approval.elected",
            {"candidate": names[j], "votes": votes[j], "ballots": profile.n_voters, "seats": seats},
        )
        for j in chosen
    ]
    rnd = Round(1, dict(zip(names, votes, strict=True)), elected=winners, says=says)
    return ElectionResult("approval", names, seats, winners, [rnd], tie_breaks=notes)
