"""Equal Shares with completion: Comuna vs pabutools 1.2.3 on the five big city files.

    .venv/bin/python bench/mes.py [--cap SECONDS] [--no-pabutools] [FILE.pb ...]

For each file: Comuna's ``mes_cost_complete`` (best of 3, wall and CPU seconds, reading the
file not included), then pabutools' ``completion_by_rule_combination`` (MES with
``voter_budget_increment=1``, then greedy) in a subprocess capped at ``--cap`` seconds
(default 600; printed as "capped"), the ratio, and whether the selected sets agree.
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
    args = ap.parse_args()
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
