"""PB rules benchmark: Comuna against pabutools 1.2.3 on the largest real elections.

Run: .venv/bin/python bench/pb_rules.py [--files NAME ...] [--rules RULE ...]
                                        [--no-reference] [--cap SECONDS] [--repeat N]

For each file and each rule that accepts its vote type, prints the seconds Comuna takes
(best of ``--repeat`` runs, default 3, after the file is read), the seconds pabutools takes in
a subprocess (one run, its parsing excluded and shown apart; capped at ``--cap`` seconds,
default 600, printed "capped"), the ratio pabutools / Comuna, and whether the selected sets
are identical. Reading the file is timed apart for both. The target is a ratio of at least
30 for every rule, with identical outcomes.
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

from comuna.choice.pb import RULES, run  # noqa: E402
from comuna.choice.pb.pabulib import read  # noqa: E402

PABULIB = ROOT.parent / "shared" / "pabulib"
FILES = [
    "Poland_Krakow_2024",
    "Poland_Wroclaw_2017",
    "Poland_Lodz_2020",
    "Poland_Krakow_2022",
    "Poland_Wroclaw_2020",
]
TARGET = 30


def reference(path: Path, rule_id: str, cap: float) -> dict | None:
    """pabutools' outcome and seconds in a fresh process, or None when it hit the cap."""
    cmd = [sys.executable, "-m", "tests.choice.oracle", str(path), rule_id]
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=cap, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def best_of(repeat: int, rule_id: str, inst) -> tuple[float, set[str]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run(rule_id, inst)
        times.append(time.perf_counter() - t0)
    return min(times), set(out.selected)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", nargs="+", default=FILES, help="Pabulib file names (no .pb)")
    ap.add_argument("--rules", nargs="+", default=list(RULES), help="rule ids")
    ap.add_argument("--no-reference", action="store_true", help="skip pabutools")
    ap.add_argument("--cap", type=float, default=600.0, help="seconds per pabutools call")
    ap.add_argument("--repeat", type=int, default=3, help="Comuna runs per rule (best kept)")
    ap.add_argument("--dir", type=Path, default=PABULIB, help="the Pabulib corpus folder")
    args = ap.parse_args()
    unknown = [r for r in args.rules if r not in RULES]
    if unknown:
        ap.error(f"unknown rules: {', '.join(unknown)} (known: {', '.join(RULES)})")

    head = f"{'file':22} {'rule':18} {'comuna s':>9} {'pabutools s':>12} {'ratio':>8}  same"
    print(head)
    print("-" * len(head))
    worst: float | None = None
    disagreements = 0
    for name in args.files:
        path = args.dir / f"{name.removesuffix('.pb')}.pb"
        t0 = time.perf_counter()
        inst = read(path, strict=False)
        read_s = time.perf_counter() - t0
        print(
            f"{name:22} {'(read)':18} {read_s:9.3f}   "
            f"{inst.vote_type}, {inst.n_voters:,} voters, {inst.n_projects} projects"
        )
        parse_s = None
        for rule_id in args.rules:
            if inst.vote_type not in RULES[rule_id].accepts:
                continue
            ours_s, ours = best_of(args.repeat, rule_id, inst)
            if args.no_reference:
                print(f"{name:22} {rule_id:18} {ours_s:9.4f}")
                continue
            ref = reference(path, rule_id, args.cap)
            if ref is None:
                print(
                    f"{name:22} {rule_id:18} {ours_s:9.4f} {'capped':>12} "
                    f"{'>' + format(args.cap / ours_s, '.0f'):>8}  ?"
                )
                continue
            parse_s = ref["parse_seconds"]
            ratio = ref["seconds"] / ours_s
            same = ours == set(ref["selected"])
            disagreements += not same
            worst = ratio if worst is None else min(worst, ratio)
            print(
                f"{name:22} {rule_id:18} {ours_s:9.4f} {ref['seconds']:12.2f} {ratio:8.0f}  "
                f"{'yes' if same else 'NO'}"
            )
        if parse_s is not None:
            print(
                f"{name:22} {'(pabutools parse)':18} {'':9} {parse_s:12.2f} {parse_s / read_s:8.0f}"
            )
    if worst is not None:
        verdict = "met" if worst >= TARGET and not disagreements else "NOT met"
        print(
            f"\nslowest ratio {worst:.0f}x (target {TARGET}x), {disagreements} disagreement(s): "
            f"target {verdict} on the rules pabutools finished"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
