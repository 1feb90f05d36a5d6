"""Instant-runoff voting (alternative vote, Hare): one seat, eliminate the weakest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from comuna.choice.messages import Msg

from .piles import Piles, weakest
from .profile import RankedProfile
from .result import ElectionResult, Round, Votes, transfer_msg
from .tiebreak import tie_rank


def irv(
    profile: RankedProfile, *, seats: int = 1, tie_order: Sequence[str] | None = None
) -> ElectionResult:
    """Instant-runoff: count first choices; while no candidate holds a strict majority of the
    ballots still in the count, eliminate the candidate with the fewest votes and move each of
    their ballots to its next choice still in the count.

    Exhausted ballots (no further choice) leave the count, so the majority is of the ballots
    still counting; blank ballots never count. The last candidate standing wins.

    Ties for elimination: the candidate with the fewest votes in the earliest round where the
    tied candidates' tallies differ is eliminated; if they were equal in every round, the one
    latest in ``tie_order`` (default: candidate order) is eliminated. Each tie broken is
    reported in ``tie_breaks``.
    """
    if seats != 1:
        raise ValueError("instant-runoff fills one seat; use stv for several")
    names = list(profile.candidates)
    m = len(names)
    rank = tie_rank(names, tie_order)
    result = ElectionResult("irv", names, 1, [])
    if profile.n_valid == 0:
        result.rounds.append(Round(1, {}, says=[Msg("election.no_valid")]))
        return result

    piles = Piles(profile)
    continuing = np.ones(m, dtype=bool)
    history: list[list[int | None]] = []
    exhausted = 0
    while True:
        number = len(history) + 1
        t = piles.tally()
        cont = np.flatnonzero(continuing).tolist()
        history.append([int(t[j]) if continuing[j] else None for j in range(m)])
        tallies: dict[str, Votes] = {names[j]: int(t[j]) for j in cont}
        active = sum(tallies.values())
        leader = max(cont, key=lambda j: (t[j], -rank[j]))
        if 2 * t[leader] > active or len(cont) == 1:
            params: dict[str, Any] = {"candidate": names[leader]}
            if 2 * t[leader] > active:
                why = Msg(
                    "election.majority", {**params, "votes": int(t[leader]), "active": active}
                )
            else:
                why = Msg("election.last_standing", params)
            result.rounds.append(
                Round(number, tallies, elected=[names[leader]], exhausted=exhausted, says=[why])
            )
            result.winners.append(names[leader])
            return result

        loser = weakest(cont, t, history, rank, names, number, result)
        low = t[loser]  # before the transfer changes the tallies
        continuing[loser] = False
        rows = piles.rows_of(loser)
        piles.advance(rows, continuing)
        moved = piles.moved(rows)
        exhausted += moved.get(-1, 0)
        transfers: dict[str, Votes] = {
            (names[j] if j >= 0 else "exhausted"): v for j, v in sorted(moved.items())
        }
        params = {"candidate": names[loser], "votes": int(low), "active": active}
        says = [
            Msg("election.irv.eliminated", params),
            transfer_msg(
                names[loser], {names[j]: v for j, v in moved.items() if j >= 0}, moved.get(-1, 0)
            ),
        ]
        result.rounds.append(
            Round(
                number,
                tallies,
                eliminated=[names[loser]],
                transferred_from=names[loser],
                transfers=transfers,
                exhausted=exhausted,
                says=says,
            )
        )
