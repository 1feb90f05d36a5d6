"""The completion's loop: Equal Shares rerun with the per-voter budget ``b = base + k`` for
``k = 0, 1, 2, ...`` (pabutools' ``voter_budget_increment=1``), until the outcome overspends or
is exhaustive (see ``comuna.choice.pb.rules.mes``).

Each ``k`` is run by a compiled float kernel (``_float_run``, numba) that takes the decisions of
``_mes_run.Run`` in the same order with the same margins, and gives up (returns "undecided")
wherever ``Run`` would re-decide exactly; that ``k`` is then run by ``Run`` itself. So every
outcome is the exact one. The one exact tie the kernel settles itself is the common one
between projects at their *floor*: every supporter who still has money pays the full price,
so ``rho = cost / (sat * W)`` with ``W`` the voters of those supporters (one satisfaction
value ``sat`` for all of them): comparing two such prices is comparing integers.

Skipping budgets. The kernel also returns ``D``: for every ``b'`` in ``[b, b + D]`` the run at
``b'`` funds the same projects in the same order, so the completion skips those ``k``. Fix the
run's *classes* (per round, who pays the full price, who pays all they have, which projects
drop out). With them fixed, every budget and every funded project's ``rho`` is affine in
``b'`` (slopes ``gamma`` per group, ``drho`` per round; full payers' budgets only grow
faster, all-in payers stay at 0), and the classes stay right while

- every all-in payer who had money stays short of the price (one linear inequality each);
- every dropped project's supporters, their money growing at rate ``sum w * gamma``, still
  hold less than its cost;
- every other project in play stays dearer than the funded one. Its ``rho`` at ``b'`` is a
  convex function of ``b'`` (the water level for budgets affine in ``b'``), so it lies above
  its tangent at ``b``; a steeper line (supporters near the price counted as all-in payers)
  is still below. A line computed in an earlier round still bounds it later, since ``rho``
  only grows from round to round. Projects tied at their floor with the winner never beat
  it while the classes hold (the winner's price is constant, theirs is at least their floor).

``D`` is the least of those limits, with relative margins ``REL`` on the safe side.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.rules._mes_run import REL, Engine, Run
from comuna.choice.pb.rules.greedy import money

try:
    from numba import njit  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - numba is a dependency; without it, Run for every k
    njit = None

DONE, OVERSPENT, UNDECIDED = 0, 1, 2
_BIG = 2.0**53  # integers below this are exact in float64


def _float_run(
    x: float,
    capf: float,
    n_groups: int,
    ptr: np.ndarray,
    grp: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    costf: np.ndarray,
    totf: np.ndarray,
    tie: np.ndarray,
    eligible: np.ndarray,
    lb0: np.ndarray,
    smax: np.ndarray,
    qp: np.ndarray,
    qr: np.ndarray,
    seq: np.ndarray,
) -> tuple[int, int, float]:
    """One MES run at per-voter budget ``x``: (status, rounds, D); the funded projects in
    ``seq[:rounds]``. Arrays as in ``Engine``; ``qp / qr`` is a project's cost over its one
    satisfaction value, as a fraction of integers (``qp = 0``: none such)."""
    m = len(costf)
    beta = np.full(n_groups, x)
    # d budget / d b' with the classes fixed lies in [gam_lo, gam_hi] (float rounding)
    gam_lo = np.ones(n_groups)
    gam_hi = np.ones(n_groups)
    rem = eligible.copy()
    lb = lb0.copy()  # per project, a line under its rho: lb + (b' - x) * ls
    ls = np.zeros(m)
    evald = np.zeros(m, dtype=np.bool_)
    settled = np.zeros(m, dtype=np.bool_)
    evlist = np.empty(m, dtype=np.int64)
    rhos = np.empty(m)
    n = 0
    spent = 0.0
    D = math.inf
    while True:
        # evaluate projects by their lower bound (ties by tie rank) until none can win
        nev = 0
        best = math.inf
        while True:
            j = -1
            for q in range(m):
                if rem[q] and not evald[q]:
                    if j < 0 or lb[q] < lb[j] or (lb[q] == lb[j] and tie[q] < tie[j]):
                        j = q
            if j < 0 or lb[j] > best * (1 + 4 * REL):
                break
            evald[j] = True
            lo, hi = ptr[j], ptr[j + 1]
            avail = 0.0
            grow = 0.0
            for e in range(lo, hi):
                avail += w[e] * beta[grp[e]]
                grow += w[e] * gam_hi[grp[e]]
            c = costf[j]
            if avail < c * (1 + REL):
                if c - avail <= REL * c:
                    return UNDECIDED, n, 0.0
                rem[j] = False  # unaffordable now, so for good in this run
                short = c - avail - REL * (c + avail)
                if short <= 0:
                    D = 0.0
                elif grow > 0:
                    D = min(D, short / grow)
                continue
            rho = _level(beta, grp, s, w, lo, hi, totf[j], c)
            # the line's slope: supporters near the price count as all-in payers
            num = 0.0
            rich = 0.0
            for e in range(lo, hi):
                g = grp[e]
                if beta[g] < rho * s[e] * (1 + REL) + REL * x:
                    num += w[e] * gam_hi[g]
                else:
                    rich += w[e] * s[e]
            lb[j] = rho
            ls[j] = -num / rich * (1 + REL) if rich > 0 else -math.inf
            evlist[nev] = j
            rhos[nev] = rho
            nev += 1
            best = min(best, rho)
        for i in range(nev):
            evald[evlist[i]] = False
        if nev == 0:
            return DONE, n, D
        win = -1
        nnear = 0
        for i in range(nev):
            if rhos[i] <= best * (1 + 4 * REL):
                nnear += 1
                win = evlist[i]
        if nnear > 1:
            win = _floor_winner(x, evlist, rhos, nev, best, beta, ptr, grp, s, w, tie, smax, qp, qr)
            if win < 0:
                return UNDECIDED, n, 0.0
            for i in range(nev):
                if rhos[i] <= best * (1 + 4 * REL):
                    settled[evlist[i]] = True
        # pay: who pays the full price, who pays all they have
        rw = lb[win]
        lo, hi = ptr[win], ptr[win + 1]
        tol = REL * (x + rw * smax[win])
        pa_lo = 0.0
        pa_hi = 0.0
        rich_sat = 0.0
        for e in range(lo, hi):
            g = grp[e]
            d = beta[g] - rw * s[e]
            if -tol <= d <= tol:
                return UNDECIDED, n, 0.0
            if d < 0:
                pa_lo += w[e] * gam_lo[g]
                pa_hi += w[e] * gam_hi[g]
            else:
                rich_sat += w[e] * s[e]
        if rich_sat <= 0:
            return UNDECIDED, n, 0.0
        # d rho / d b' (<= 0) lies in [drho_lo, drho_hi]
        drho_lo = -pa_hi / rich_sat * (1 + REL)
        drho_hi = -pa_lo / rich_sat * (1 - REL)
        for e in range(lo, hi):
            g = grp[e]
            d = beta[g] - rw * s[e]
            if d < 0:
                if beta[g] > 0:  # an all-in payer must stay short of the price
                    den = gam_hi[g] - drho_lo * s[e]
                    if den > 0:
                        D = min(D, (-d - tol) / den)
                beta[g] = 0.0
                gam_lo[g] = gam_hi[g] = 0.0
            else:
                beta[g] = d
                gam_lo[g] -= s[e] * drho_hi
                gam_hi[g] -= s[e] * drho_lo
        for q in range(m):  # every other project in play stays dearer
            if rem[q] and q != win and not settled[q]:
                gap = lb[q] - rw - REL * (abs(lb[q]) + abs(rw))
                if gap <= 0:
                    D = 0.0
                elif ls[q] < drho_hi:
                    D = min(D, gap / (drho_hi - ls[q]))
        for i in range(nev):
            settled[evlist[i]] = False
        rem[win] = False
        seq[n] = win
        n += 1
        spent += costf[win]
        if spent > capf * (1 + 1e-9):
            return OVERSPENT, n, 0.0


def _level(
    beta: np.ndarray,
    grp: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    lo: int,
    hi: int,
    total: float,
    c: float,
) -> float:
    """Float rho of the (affordable) project with supporter entries ``lo:hi``, as
    ``_mes_run._water_level``: whoever is short of the price pays all they have."""
    rho = c / total
    n = hi - lo
    for _ in range(n + 1):
        poor_money = 0.0
        poor_sat = 0.0
        k = 0
        for e in range(lo, hi):
            b = beta[grp[e]]
            if b < rho * s[e]:
                poor_money += w[e] * b
                poor_sat += w[e] * s[e]
                k += 1
        rich = total - poor_sat
        if k == n or rich <= 0:  # money = cost: the richest per unit pays exactly all
            top = 0.0
            for e in range(lo, hi):
                top = max(top, beta[grp[e]] / s[e])
            return top
        new = (c - poor_money) / rich
        if new <= rho:
            return new
        rho = new
    return rho


def _floor_winner(
    x: float,
    evlist: np.ndarray,
    rhos: np.ndarray,
    nev: int,
    best: float,
    beta: np.ndarray,
    ptr: np.ndarray,
    grp: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    tie: np.ndarray,
    smax: np.ndarray,
    qp: np.ndarray,
    qr: np.ndarray,
) -> int:
    """The exact winner among near-tied projects when each is at its floor (every supporter
    with money pays the full price, one satisfaction value): ``rho = qp / (qr * W)``, ``W``
    the voters with money. -1 when some is not (the exact engine decides)."""
    win = -1
    w_win = 0.0
    for i in range(nev):
        if rhos[i] > best * (1 + 4 * REL):
            continue
        j = evlist[i]
        if qp[j] <= 0:
            return -1
        tol = REL * (x + rhos[i] * smax[j])
        W = 0.0
        for e in range(ptr[j], ptr[j + 1]):
            b = beta[grp[e]]
            if b > 0:  # (0 is exact: who paid all they had)
                if b - rhos[i] * s[e] <= tol:
                    return -1
                W += w[e]
        if win < 0:
            win, w_win = j, W
            continue
        # rho_j < rho_win  <=>  qp_j * qr_win * W_win < qp_win * qr_j * W_j
        lhs = qp[j] * qr[win] * w_win
        rhs = qp[win] * qr[j] * W
        if lhs >= _BIG or rhs >= _BIG:
            return -1
        if lhs < rhs or (lhs == rhs and tie[j] < tie[win]):
            win, w_win = j, W
    return win


if njit is not None:
    _level = njit(cache=True)(_level)
    _floor_winner = njit(cache=True)(_floor_winner)
    _float_run = njit(cache=True)(_float_run)


class Raiser:
    """The kernel's arrays for one election (Cost_Sat)."""

    def __init__(self, eng: Engine):
        self.e = eng
        g = eng.g
        m = eng.inst.n_projects
        self.seq = np.empty(m, dtype=np.int64)  # the kernel writes the funded projects here
        qp, qr = np.zeros(m), np.ones(m)
        for j in range(m):
            if eng.uniform[j] and eng.icosts[j] > 0:
                q = Fraction(eng.icosts[j], int(eng.uniform[j]))
                if q.numerator < _BIG and q.denominator < _BIG:
                    qp[j], qr[j] = q.numerator, q.denominator
        self.args: tuple[Any, ...] = (
            len(g.weight),
            np.ascontiguousarray(g.ptr, dtype=np.int64),
            np.ascontiguousarray(g.grp, dtype=np.int64),
            eng.e_s,
            eng.e_w,
            eng.costf,
            eng.totf,
            eng.tie,
            eng.eligible,
            eng.lb0,
            eng.smax,
            qp,
            qr,
            self.seq,
        )

    def run(self, b: Fraction, cap: Fraction) -> tuple[list[int], float] | None:
        """The projects funded at ``b`` (the run stops once they cost more than ``cap``)
        and how far above ``b`` the same run is proven; None when undecided in floats."""
        if njit is None:
            return None
        status, n, d = _float_run(float(b), float(cap), *self.args)
        if status == UNDECIDED:
            return None
        return [*self.e.free, *self.seq[:n].tolist()], d


def equal_shares_raised(inst: PBInstance, tie_rank: np.ndarray) -> tuple[Run, int, str]:
    """The Equal Shares run that pabutools' ``voter_budget_increment=1`` loop returns.

    Returns the run (at its final per-voter budget), the number of one-unit raises and why
    the raising stopped.
    """
    eng = Engine(inst, "cost", tie_rank)
    raiser = Raiser(eng)
    base = inst.budget / inst.n_voters
    icap = inst.budget * inst.scale  # costs in units of 1 / scale: eng.icosts
    # the eligible projects, cheapest first: the first not funded decides exhaustiveness
    by_cost = sorted(np.nonzero(eng.eligible)[0].tolist(), key=lambda j: eng.icosts[j])
    prev: list[int] = []
    k = 0
    while True:
        b = base + k
        got = raiser.run(b, inst.budget)
        if got is None:
            exact = Run(eng, b, cap=inst.budget)
            got = (exact.selected, 0.0)
        selected, d = got
        icost = sum(eng.icosts[j] for j in selected)
        if icost > icap:  # (k = 0 never overspends: the voters hold exactly the budget)
            # the answer is the run at k - 1, proven equal to the last one computed
            final = Run(eng, b - 1)
            if k == 0 or final.selected != prev:
                raise AssertionError("MES completion: a certified budget step changed the run")
            why = f"with a share of {money(b)} Equal Shares would spend more than the budget"
            return final, k - 1, why
        chosen = set(selected)
        cheapest = next((j for j in by_cost if j not in chosen), None)
        if cheapest is None or eng.icosts[cheapest] > icap - icost:
            final = Run(eng, b)
            if final.selected != selected:
                raise AssertionError("MES completion: the float kernel and Run disagree")
            return final, k, "no unfunded project with supporters fits the money left"
        prev = selected
        # every k' with base + k' in [b, b + d] funds the same: skip them
        # (d = inf: no limit found; step on as pabutools does)
        k += math.floor(d * (1 - 1e-6)) + 1 if d < 2.0**52 else 1
