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

Skipping budgets, restarting rounds. Fix a run's *classes* (per round, who pays the full
price, who pays all they have, which projects drop out). With them fixed, every budget and
every funded project's ``rho`` is affine in the per-voter budget ``b'`` (slopes ``gamma``
per group, ``drho`` per round; full payers' budgets only grow faster, all-in payers stay at
0), and round ``t``'s classes stay right up to its limit ``U_t``, where

- every all-in payer who had money stays short of the price (one linear inequality each);
- every dropped project's supporters, their money growing at rate ``sum w * gamma``, still
  hold less than its cost;
- every other project in play stays dearer than the funded one. Its ``rho`` stays above a
  line ``L(b')``: split its supporters into set ``P`` (under the price or near it) and the
  rest ``R``; their money at price ``L`` is at most ``sum_P w * budget + L * sum_R w * sat``.
  That is at most the cost at ``b`` when ``L(b)`` is ``rho`` less what ``P`` holds above the
  price over ``sum_R w * sat``, and it does not grow with ``b'`` when the slope is
  ``-sum_P w * gamma / sum_R w * sat`` (or steeper); so ``rho >= L``. A line computed in an
  earlier round still bounds it later, since ``rho`` only grows from round to round.
  Projects tied at their floor with the winner never beat it while the classes hold (the
  winner's price is constant, theirs is at least their floor).

Below ``min_t U_t`` the whole run is the same, so the completion skips those ``k``. Above it,
the run at ``b'`` keeps the rounds before the first ``t`` with ``U_t <= b'``: the kernel
undoes the later rounds (each logs its payers' values), moves the budgets along their
slopes and computes from round ``t`` on. Limits carry relative margins on the safe side;
the slopes are kept as float bounds ``glo <= gamma <= ghi`` (whatever the rounding) besides
the plain ``gmid`` that moves the budgets.
"""

from __future__ import annotations

import math
import threading
from fractions import Fraction
from typing import Any

import numpy as np

from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.rules._mes_run import REL, Engine, Run

DONE, OVERSPENT, UNDECIDED = 0, 1, 2
_BIG = 2.0**53  # integers below this are exact in float64


def _float_run(
    x: float,
    capf: float,
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
    beta: np.ndarray,
    gmid: np.ndarray,
    glo: np.ndarray,
    ghi: np.ndarray,
    log: np.ndarray,
    seq: np.ndarray,
    xr: np.ndarray,
    ulim: np.ndarray,
    logpos: np.ndarray,
    rem_s: np.ndarray,
    lb_s: np.ndarray,
    ls_s: np.ndarray,
    spent_s: np.ndarray,
    meta: np.ndarray,
) -> tuple[int, int, float]:
    """The MES run at per-voter budget ``x`` (not below the last call's): (status, rounds,
    U), the funded projects in ``seq[:rounds]``; the run is the same at every budget below
    ``U``. Static arrays as in ``Engine``; ``qp / qr`` is a project's cost over its one
    satisfaction value, as a fraction of integers (``qp = 0``: none such).

    The other arrays are the state kept between calls: per group its budget and the slopes
    of its budget in ``b'`` (``gmid``; ``glo <= slope <= ghi`` whatever the float rounding);
    per round its project, budget ``xr``, limit ``ulim`` (the round's classes hold below it),
    the pre-round values of its payers (``log`` from ``logpos``) and the pre-round projects in
    play and lines. ``meta``: rounds kept, whether there is a state, the budget of the state.
    A call restarts at the first round whose limit is at most ``x``, the earlier ones moved
    along their slopes.
    """
    m = len(costf)
    n_old = int(meta[0])
    t = 0
    if meta[1]:
        while t < n_old and ulim[t] > x:
            t += 1
    if t == 0:
        beta[:] = x
        gmid[:] = 1.0
        glo[:] = 1.0
        ghi[:] = 1.0
        rem = eligible.copy()
        lb = lb0.copy()  # per project, a line under its rho: lb + (b' - x) * ls
        ls = np.zeros(m)
        spent = 0.0
        logpos[0] = 0
    else:
        x0 = float(meta[2])
        for r in range(n_old - 1, t - 1, -1):  # undo rounds n_old - 1 .. t
            j = seq[r]
            dx = x0 - xr[r]
            q = logpos[r]
            for e in range(ptr[j], ptr[j + 1]):
                g = grp[e]
                beta[g] = log[q, 0] + dx * log[q, 1]
                gmid[g] = log[q, 1]
                glo[g] = log[q, 2]
                ghi[g] = log[q, 3]
                q += 1
        dx = x - x0
        if dx != 0:
            for g in range(len(beta)):
                beta[g] += dx * gmid[g]
        rem = rem_s[t].copy()
        lb = lb_s[t].copy()
        if x > xr[t]:  # (slopes may be -inf: no 0 * inf)
            lb += (x - xr[t]) * ls_s[t]
        ls = ls_s[t].copy()
        spent = spent_s[t]
    meta[1] = 1
    meta[2] = x
    U = math.inf
    for r in range(t):
        U = min(U, ulim[r])
    n = t
    evald = np.zeros(m, dtype=np.bool_)
    settled = np.zeros(m, dtype=np.bool_)
    evlist = np.empty(m, dtype=np.int64)
    rhos = np.empty(m)
    raw = np.empty(m)  # the last float rho of each project evaluated in this round
    while True:
        rem_s[n] = rem
        lb_s[n] = lb
        ls_s[n] = ls
        spent_s[n] = spent
        xr[n] = x
        ulim[n] = -math.inf  # until the round is done
        meta[0] = n
        D = math.inf  # the round's classes hold on [x, x + D]
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
            c = costf[j]
            # start the level from below: rho only grows within a run, lb is under it;
            # or from the last run's price in this round, moved along its line: nearer
            rho = max(c / totf[j], lb[j])
            below = True
            if n + 1 <= n_old:
                est = lb_s[n + 1, j]
                if x > xr[n + 1]:
                    est += (x - xr[n + 1]) * ls_s[n + 1, j]
                if est > rho:  # (not nan, not -inf)
                    rho = est
                    below = False
            first = _pass(beta, ghi, grp, s, w, lo, hi, rho, x)
            avail = first[0]
            if avail < c * (1 + REL):
                if c - avail <= REL * c:
                    return UNDECIDED, n, 0.0
                rem[j] = False  # unaffordable now, so for good in this run
                short = c - avail - REL * (c + avail)
                grow = 0.0
                for e in range(lo, hi):
                    grow += w[e] * ghi[grp[e]]
                if short <= 0:
                    D = 0.0
                elif grow > 0:
                    D = min(D, short / grow)
                continue
            rho, num, rich, excess = _level(
                beta, ghi, grp, s, w, lo, hi, totf[j], c, x, rho, below, first
            )
            raw[j] = rho
            # its line: at most rho (less what supporters counted as all-in payers hold above
            # the price, see the module docstring), slope from the all-in payers' growth
            if rich > 0:
                lb[j] = rho - excess / rich
                ls[j] = -num / rich * (1 + REL)
            else:
                lb[j] = rho
                ls[j] = -math.inf
            evlist[nev] = j
            rhos[nev] = rho
            nev += 1
            best = min(best, rho)
        for i in range(nev):
            evald[evlist[i]] = False
        if nev == 0:  # the end: every project left is unaffordable
            ulim[n] = x + D * (1 - 1e-6)
            return DONE, n, min(U, ulim[n])
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
        rw = raw[win]
        lo, hi = ptr[win], ptr[win + 1]
        tol = REL * (x + rw * smax[win])
        pa_lo = 0.0
        pa_mid = 0.0
        pa_hi = 0.0
        rich_sat = 0.0
        for e in range(lo, hi):
            g = grp[e]
            d = beta[g] - rw * s[e]
            if -tol <= d <= tol:
                for i in range(nev):
                    settled[evlist[i]] = False
                return UNDECIDED, n, 0.0
            if d < 0:
                pa_lo += w[e] * glo[g]
                pa_mid += w[e] * gmid[g]
                pa_hi += w[e] * ghi[g]
            else:
                rich_sat += w[e] * s[e]
        if rich_sat <= 0:
            for i in range(nev):
                settled[evlist[i]] = False
            return UNDECIDED, n, 0.0
        # d rho / d b' (<= 0): drho_mid, and it lies in [drho_lo, drho_hi]
        drho_lo = -pa_hi / rich_sat * (1 + REL)
        drho_mid = -pa_mid / rich_sat
        drho_hi = -pa_lo / rich_sat * (1 - REL)
        q = logpos[n]
        for e in range(lo, hi):
            g = grp[e]
            log[q, 0] = beta[g]
            log[q, 1] = gmid[g]
            log[q, 2] = glo[g]
            log[q, 3] = ghi[g]
            q += 1
            d = beta[g] - rw * s[e]
            if d < 0:
                if beta[g] > 0:  # an all-in payer must stay short of the price
                    den = ghi[g] - drho_lo * s[e]
                    if den > 0:
                        D = min(D, (-d - tol) / den)
                beta[g] = 0.0
                gmid[g] = glo[g] = ghi[g] = 0.0
            else:
                beta[g] = d
                gmid[g] -= s[e] * drho_mid
                glo[g] -= s[e] * drho_hi
                ghi[g] -= s[e] * drho_lo
        logpos[n + 1] = q
        for q in range(m):  # every other project in play stays dearer
            if rem[q] and q != win and not settled[q]:
                gap = lb[q] - rw - REL * (abs(lb[q]) + abs(rw))
                if gap <= 0:
                    D = 0.0
                elif ls[q] < drho_hi:
                    D = min(D, gap / (drho_hi - ls[q]))
        for i in range(nev):
            settled[evlist[i]] = False
        ulim[n] = x + D * (1 - 1e-6)
        U = min(U, ulim[n])
        rem[win] = False
        seq[n] = win
        n += 1
        meta[0] = n
        spent += costf[win]
        if spent > capf * (1 + 1e-9):
            meta[1] = 0  # (the completion stops here; no restart from this state)
            return OVERSPENT, n, 0.0


def _pass(
    beta: np.ndarray,
    ghi: np.ndarray,
    grp: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    lo: int,
    hi: int,
    rho: float,
    x: float,
) -> tuple[float, float, float, int, float, float, float]:
    """One pass over the supporter entries ``lo:hi`` at price ``rho``: their money; the
    money, satisfaction and number of those short of the price; for the lower line, ``sum w *
    ghi`` over those near the price or under it, ``sum w * s`` over the others, and how much
    those near it but not under it hold above the price (see ``_float_run``)."""
    avail = 0.0
    poor_money = 0.0
    poor_sat = 0.0
    k = 0
    num = 0.0
    rich = 0.0
    excess = 0.0
    for e in range(lo, hi):
        g = grp[e]
        b = beta[g]
        avail += w[e] * b
        price = rho * s[e]
        if b < price * (1 + REL) + REL * x:
            num += w[e] * ghi[g]
            if b < price:
                poor_money += w[e] * b
                poor_sat += w[e] * s[e]
                k += 1
            else:
                excess += w[e] * (b - price)
        else:
            rich += w[e] * s[e]
    return avail, poor_money, poor_sat, k, num, rich, excess


def _level(
    beta: np.ndarray,
    ghi: np.ndarray,
    grp: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    lo: int,
    hi: int,
    total: float,
    c: float,
    x: float,
    rho: float,
    below: bool,
    first: tuple[float, float, float, int, float, float, float],
) -> tuple[float, float, float, float]:
    """Float rho of the (affordable) project with supporter entries ``lo:hi``, as
    ``_mes_run._water_level``: whoever is short of the price pays all they have, the price
    is recomputed for the others; starts from ``first``, ``_pass`` at ``rho`` (``below``: at
    most the level). The money as a function of the price is concave, so each step (the
    price that the current payers' line gives) lands at most at the level, from anywhere,
    and from below it only rises. Also the lower line's sums (``_pass``), from the last pass
    (at a price at least the result: more supporters counted near it, a steeper line)."""
    _, poor_money, poor_sat, k, num, rich, excess = first
    n = hi - lo
    for _ in range(n + 2):
        left = total - poor_sat
        if k == n or left <= 0:
            if not below:  # (started above the level) start again from its floor
                rho = c / total
                below = True
                _, poor_money, poor_sat, k, num, rich, excess = _pass(
                    beta, ghi, grp, s, w, lo, hi, rho, x
                )
                continue
            # money = cost: the richest per unit pays exactly all
            top = 0.0
            for e in range(lo, hi):
                top = max(top, beta[grp[e]] / s[e])
            return top, num, 0.0, 0.0
        new = (c - poor_money) / left
        if new == rho or (below and new < rho):
            return new, num, rich, excess
        below = True
        rho = new
        _, poor_money, poor_sat, k, num, rich, excess = _pass(beta, ghi, grp, s, w, lo, hi, rho, x)
    return rho, num, 0.0, 0.0


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


_compiled: Any = None  # _float_run compiled, False without numba (see _kernel)
_compiling = threading.Lock()


def _kernel() -> Any:
    """``_float_run`` compiled by numba on first use (cached on disk), or None without numba
    (then every budget is run by ``_mes_run.Run``). numba is imported here, not at import
    time: only the completion needs it."""
    global _compiled
    with _compiling:
        if _compiled is None:
            try:
                from numba import njit  # type: ignore[import-untyped]
            except ImportError:  # pragma: no cover - numba is a dependency
                _compiled = False
                return None
            # the kernel calls these by their global names: compile them first
            for name in ("_pass", "_level", "_floor_winner"):
                globals()[name] = njit(cache=True)(globals()[name])
            _compiled = njit(cache=True)(_float_run)
    return _compiled or None


class Raiser:
    """The kernel's arrays for one election (Cost_Sat), and its state between budgets."""

    def __init__(self, eng: Engine):
        self.e = eng
        g = eng.g
        m = eng.inst.n_projects
        G = len(g.weight)
        qp, qr = np.zeros(m), np.ones(m)
        for j in range(m):
            if eng.uniform[j] and eng.icosts[j] > 0:
                q = Fraction(eng.icosts[j], int(eng.uniform[j]))
                if q.numerator < _BIG and q.denominator < _BIG:
                    qp[j], qr[j] = q.numerator, q.denominator
        self.seq = np.empty(m, dtype=np.int64)  # the kernel writes the funded projects here
        self.args: tuple[Any, ...] = (
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
            np.empty(G),  # beta
            np.empty(G),  # gmid
            np.empty(G),  # glo
            np.empty(G),  # ghi
            np.empty((len(g.grp), 4)),  # log
            self.seq,
            np.zeros(m + 1),  # xr
            np.zeros(m + 1),  # ulim
            np.zeros(m + 2, dtype=np.int64),  # logpos
            np.empty((m + 1, m), dtype=bool),  # rem_s
            np.zeros((m + 1, m)),  # lb_s
            np.zeros((m + 1, m)),  # ls_s
            np.zeros(m + 1),  # spent_s
            np.zeros(3),  # meta
        )
        self.x = -math.inf

    def run(self, b: Fraction, cap: Fraction) -> tuple[list[int], float] | None:
        """The projects funded at ``b`` (the run stops once they cost more than ``cap``)
        and the budget below which the same run is proven; None when undecided in floats.
        ``b`` only grows from call to call."""
        kernel = _kernel()
        if kernel is None:
            return None
        x = float(b)
        if x < self.x:
            raise ValueError("the per-voter budget only grows")
        self.x = x
        status, n, u = kernel(x, float(cap), *self.args)
        if status == UNDECIDED:
            return None
        selected = [*self.e.free, *self.seq[:n].tolist()]
        if (
            status == OVERSPENT
            and sum(self.e.icosts[j] for j in selected) <= cap * self.e.inst.scale
        ):
            return None  # (floats said overspent, integers say no: let Run decide; never seen)
        return selected, u


def equal_shares_raised(inst: PBInstance, tie_rank: np.ndarray) -> tuple[Run, int, Fraction | None]:
    """The Equal Shares run that pabutools' ``voter_budget_increment=1`` loop returns.

    Returns the run (at its final per-voter budget), the number of one-unit raises and why
    the raising stopped: the share at which Equal Shares would spend more than the budget,
    or None when the run is exhaustive (no unfunded project with supporters fits the money
    left).
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
            got = (exact.selected, -math.inf)
        selected, u = got
        icost = sum(eng.icosts[j] for j in selected)
        if icost > icap:  # (k = 0 never overspends: the voters hold exactly the budget)
            # the answer is the run at k - 1, proven equal to the last one computed
            final = Run(eng, b - 1)
            if k == 0 or final.selected != prev:
                raise AssertionError("MES completion: a certified budget step changed the run")
            return final, k - 1, b
        chosen = set(selected)
        cheapest = next((j for j in by_cost if j not in chosen), None)
        if cheapest is None or eng.icosts[cheapest] > icap - icost:
            final = Run(eng, b)
            if final.selected != selected:
                raise AssertionError("MES completion: the float kernel and Run disagree")
            return final, k, None
        prev = selected
        # every k' with base + k' below u funds the same: skip them (u = inf: no limit
        # found; step on as pabutools does)
        k2 = k + 1
        if k2 < u - float(base) < 2.0**52:
            k2 = max(k2, math.floor(u - float(base)) - 1)
            while float(base + k2) < u:
                k2 += 1
        k = k2
