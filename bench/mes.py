"""Equal Shares with completion: Comuna vs pabutools 1.2.3 on the five big city files, or
Comuna alone on the whole corpus.

    .venv/bin/python bench/mes.py [--cap SECONDS] [--no-pabutools] [FILE.pb ...]
    .venv/bin/python bench/mes.py --corpus [--runs N] [--top K]

For each file: Comuna's ``mes_cost_complete`` (best of 3, wall and CPU seconds, reading the
file not included), then pabutools' ``completion_by_rule_combination`` (MES with
``voter_budget_increment=1``, then greedy) in a subprocess capped at ``--cap`` seconds
(default 600; printed as "capped"), the ratio, and whether the selected sets agree.

``--corpus``: ``mes_cost_complete`` on every file of ../shared/pabulib (rule only, reading
not included; best of ``--runs``, default 7, for files over 0.05 s, else one run), then the
``--top`` slowest (default 10), the maximum, and the speed-up over the fastest other
implementations on the two files where they were measured. Those figures are constants:
the equalshares.net JavaScript worker and the C++ port (floats) took 9.3 s on
France_Toulouse_2022.pb and 15.7 s on the city-wide Warszawa 2026 file (not in the corpus),
measured on this machine by an earlier session, issue 7. The goal is at least 10 times
faster, and under 1 s on every file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from comuna.choice.pb.pabulib import read  # noqa: E402
from comuna.choice.pb.rules.mes import mes_cost_complete  # noqa: E402
from comuna.choice.pb.tiebreak import tie_rank  # noqa: E402

PABULIB = ROOT.parent / "shared" / "pabulib"
FILES = [
    "Poland_Lodz_2020.pb",
    "Poland_Krakow_2024.pb",
    "Poland_Wroclaw_2017.pb",
    "Poland_Krakow_2022.pb",
    "Poland_Wroclaw_2020.pb",
]


def comuna(path: Path) -> tuple[float, float, set[str]]:
    inst = read(path)
    rank = tie_rank(inst)
    best_wall = best_cpu = float("inf")
    selected: set[str] = set()
    for _ in range(3):
        w, c = time.perf_counter(), time.process_time()
        out = mes_cost_complete(inst, tie_rank=rank)
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
        selected = set(out.selected)
    return best_wall, best_cpu, selected


# fastest other implementation (seconds), measured on this machine by an earlier session, issue 7
OTHERS = {"France_Toulouse_2022.pb": 9.3, "Poland_Warszawa_2026.pb": 15.7}


def corpus(runs: int, top: int) -> int:
    times: dict[str, float] = {}
    for path in sorted(PABULIB.glob("*.pb")):
        inst = read(path, strict=False)
        rank = tie_rank(inst)
        best = float("inf")
        for i in range(runs):
            t = time.perf_counter()
            mes_cost_complete(inst, tie_rank=rank)
            best = min(best, time.perf_counter() - t)
            if i == 0 and best < 0.05:
                break
        times[path.name] = best
    slow = sorted(times, key=times.__getitem__, reverse=True)
    print(
        f"{len(times)} files, total {sum(times.values()):.1f} s; the {top} slowest (best of {runs}):"
    )
    for name in slow[:top]:
        print(f"{times[name]:8.3f}  {name}")
    print(
        f"max {times[slow[0]]:.3f} s ({slow[0]}); {sum(t >= 1 for t in times.values())} files at 1 s or more"
    )
    for name, secs in OTHERS.items():
        if name in times:
            print(
                f"{name}: {times[name]:.3f} s, {secs / times[name]:.1f}x faster than the fastest other ({secs} s)"
            )
        else:
            print(f"{name}: not in the corpus (fastest other: {secs} s)")
    return 0


def pabutools(path: Path, cap: float) -> tuple[float | None, set[str] | None]:
    cmd = [sys.executable, "-m", "tests.choice.oracle", str(path), "mes-cost-complete"]
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None, None
    data = json.loads(done.stdout)
    return data["seconds"], set(data["selected"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", default=FILES)
    ap.add_argument("--cap", type=float, default=600)
    ap.add_argument("--no-pabutools", action="store_true")
    ap.add_argument("--corpus", action="store_true", help="every corpus file, Comuna only")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    if args.corpus:
        return corpus(args.runs, args.top)
    print(f"{'file':28} {'comuna s':>9} {'(cpu)':>7} {'pabutools s':>12} {'ratio':>8}  same")
    for name in args.files:
        path = Path(name) if Path(name).exists() else PABULIB / name
        wall, cpu, mine = comuna(path)
        if args.no_pabutools:
            print(f"{path.name:28} {wall:9.3f} {cpu:7.3f}")
            continue
        secs, theirs = pabutools(path, args.cap)
        if secs is None:
            print(
                f"{path.name:28} {wall:9.3f} {cpu:7.3f} {'capped':>12} {'>' + format(args.cap / wall, '.0f'):>8}  ?"
            )
        else:
            same = "yes" if theirs == mine else "NO"
            print(f"{path.name:28} {wall:9.3f} {cpu:7.3f} {secs:12.1f} {secs / wall:8.0f}  {same}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
