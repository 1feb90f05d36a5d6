"""Tally benchmark: 1,000,000 synthetic ballots counted by Comuna's election rules.

Run: .venv/bin/python bench/tally.py [--voters N] [--small N] [--no-pref-voting]

Prints seconds per step (building the profile, i.e. merging identical ballots, then each
rule), peak memory per step (tracemalloc, in a second pass so timings are not slowed), the
bytes per ballot at two sizes (memory linear in ballots), and pref_voting on a smaller
profile for comparison, measured in the same run with the same ballots.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from comuna.choice.elections import count  # noqa: E402
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile  # noqa: E402

M = 12  # candidates
SEATS = 5
SEED = 20240611


def mallows(n: int, reference: np.ndarray, phi: float, rng: np.random.Generator) -> np.ndarray:
    """n rankings from a Mallows model around ``reference`` (repeated insertion model)."""
    m = len(reference)
    out = np.empty((n, 0), dtype=np.int8)
    for i in range(m):
        w = phi ** (i - np.arange(i + 1, dtype=np.float64))
        cdf = np.cumsum(w) / w.sum()
        pos = np.minimum(np.searchsorted(cdf, rng.random(n)), i)[:, None]
        k = np.arange(i + 1)[None, :]
        pad = np.zeros((n, 1), dtype=np.int8)
        left = np.concatenate([out, pad], axis=1)  # old[k] for k < pos
        right = np.concatenate([pad, out], axis=1)  # old[k - 1] for k > pos
        out = np.where(k < pos, left, np.where(k == pos, np.int8(reference[i]), right))
    return out.astype(np.int8)


def realistic_ranked(n: int, rng: np.random.Generator) -> np.ndarray:
    """Three factions (Mallows, phi 0.7) and truncated ballots: most voters rank 1-5."""
    parts = []
    for share in (0.45, 0.35, 0.20):
        parts.append(mallows(int(n * share), rng.permutation(M), 0.7, rng))
    rows = np.concatenate(parts)[:n]
    if len(rows) < n:
        rows = np.concatenate([rows, mallows(n - len(rows), np.arange(M), 0.7, rng)])
    rng.shuffle(rows)
    lengths_p = np.array([15, 15, 20, 15, 10, 6, 5, 4, 3, 3, 2, 2], dtype=np.float64)
    lengths = rng.choice(np.arange(1, M + 1), size=n, p=lengths_p / lengths_p.sum())
    rows[np.arange(M)[None, :] >= lengths[:, None]] = -1
    return rows


def impartial_culture(n: int, rng: np.random.Generator) -> np.ndarray:
    """Complete rankings drawn uniformly: almost no two alike, the worst case for merging."""
    return np.argsort(rng.random((n, M)), axis=1).astype(np.int8)


def approval_matrix(n: int, rng: np.random.Generator) -> np.ndarray:
    popularity = np.linspace(0.55, 0.1, M)
    return rng.random((n, M)) < popularity[None, :]


NAMES = [f"cand{i:02d}" for i in range(M)]


def steps(kind: str, data: np.ndarray) -> list[tuple[str, Callable[[object], object]]]:
    if kind == "approval":
        return [
            ("profile", lambda _: ApprovalProfile(NAMES, data)),
            ("approval (5 seats)", lambda p: count("approval", p, seats=SEATS)),
        ]
    return [
        ("profile", lambda _: RankedProfile(NAMES, data)),
        ("irv", lambda p: count("irv", p)),
        ("schulze", lambda p: count("schulze", p)),
        (f"stv ({SEATS} seats)", lambda p: count("stv", p, seats=SEATS)),
    ]


def run(kind: str, data: np.ndarray, memory: bool) -> dict[str, tuple[float, float, object]]:
    out: dict[str, tuple[float, float, object]] = {}
    profile = None
    for name, fn in steps(kind, data):
        if memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        value = fn(profile)
        secs = time.perf_counter() - t0
        peak = 0.0
        if memory:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        if name == "profile":
            profile = value
        out[name] = (secs, peak, value)
    return out


def compare_pref_voting(n: int, rng: np.random.Generator) -> None:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile
    from pref_voting.proportional_methods import stv_wig

    rows = impartial_culture(n, rng)
    # pref_voting compiles parts of itself with numba on first use: warm it up untimed.
    warm = Profile(impartial_culture(50, rng).astype(int).tolist())
    instant_runoff(warm), beat_path(warm), stv_wig(warm, num_seats=SEATS, quota_rule="droop")

    print(f"\npref_voting on {n:,} complete impartial-culture ballots ({M} candidates):")
    t0 = time.perf_counter()
    ours = RankedProfile(NAMES, rows)
    ours_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = Profile(rows.astype(int).tolist())
    theirs_build = time.perf_counter() - t0
    # pref_voting's Profile computes the margin matrix up front (beat_path then reads it), so
    # the fair ratio includes building the profile on both sides.
    print(
        f"  {'step':<20}{'comuna s':>10}{'pref_voting s':>15}{'ratio':>8}"
        f"{'ratio incl. profile':>21}  same outcome"
    )
    print(
        f"  {'profile':<20}{ours_build:>10.3f}{theirs_build:>15.3f}"
        f"{theirs_build / ours_build:>7.0f}x"
    )

    def idx(name: str) -> int:
        return NAMES.index(name)

    def same(ok: bool, a: object) -> str:
        if ok:
            return "yes"
        # pref_voting breaks ties by candidate number, Comuna by earlier rounds then order.
        return "no (ties broken differently)" if a.tie_breaks else "NO"  # type: ignore[attr-defined]

    cases = [
        (
            "irv",
            lambda: count("irv", ours),
            lambda: instant_runoff(theirs),
            lambda a, b: [idx(w) for w in a.winners] == sorted(int(x) for x in b),
        ),
        (
            "schulze",
            lambda: count("schulze", ours),
            lambda: beat_path(theirs),
            lambda a, b: idx(a.winners[0]) in [int(x) for x in b],
        ),
        (
            f"stv ({SEATS} seats)",
            lambda: count("stv", ours, seats=SEATS),
            lambda: stv_wig(theirs, num_seats=SEATS, quota_rule="droop"),
            lambda a, b: sorted(idx(w) for w in a.winners) == sorted(int(x) for x in b),
        ),
    ]
    for name, mine, other, agree in cases:
        t0 = time.perf_counter()
        a = mine()
        ta = time.perf_counter() - t0
        t0 = time.perf_counter()
        b = other()
        tb = time.perf_counter() - t0
        both = (tb + theirs_build) / (ta + ours_build)
        print(
            f"  {name:<20}{ta:>10.3f}{tb:>15.3f}{tb / ta:>7.1f}x{both:>20.0f}x  "
            f"{same(agree(a, b), a)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=20_000, help="size for pref_voting")
    parser.add_argument("--no-pref-voting", action="store_true")
    args = parser.parse_args()
    n = args.voters
    rng = np.random.default_rng(SEED)
    print(f"Tally benchmark: {n:,} ballots, {M} candidates, seed {SEED}")
    scenarios = [
        ("ranked, 3-faction Mallows, truncated", "ranked", realistic_ranked),
        ("ranked, impartial culture, complete", "ranked", impartial_culture),
        ("approval, independent approvals", "approval", approval_matrix),
    ]
    for title, kind, make in scenarios:
        data = make(n, rng)
        timing = run(kind, data, memory=False)
        memory = run(kind, data, memory=True)
        quarter = run(kind, data[: n // 4], memory=True)
        profile = timing["profile"][2]
        distinct = len(profile.counts)  # type: ignore[attr-defined]
        print(f"\n{title}: {distinct:,} distinct ballots of {n:,}")
        print(
            f"  {'step':<20}{'seconds':>9}{'peak MiB':>10}{'B/ballot':>10}"
            f"{'B/ballot at n/4':>17}  winners"
        )
        total = 0.0
        for name, (secs, _, value) in timing.items():
            total += secs
            peak = memory[name][1]
            per = peak * 2**20 / n
            per_q = quarter[name][1] * 2**20 / (n // 4)
            winners = "" if name == "profile" else ", ".join(value.winners)  # type: ignore[attr-defined]
            print(f"  {name:<20}{secs:>9.3f}{peak:>10.1f}{per:>10.1f}{per_q:>17.1f}  {winners}")
        print(f"  {'total':<20}{total:>9.3f}")
    if not args.no_pref_voting:
        compare_pref_voting(args.small, rng)


if __name__ == "__main__":
    main()
