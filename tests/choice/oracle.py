"""pabutools 1.2.3 as the reference oracle for Comuna's PB rules (dev and tests only).

- ``to_pabutools(inst)`` turns a Comuna ``PBInstance`` into a pabutools (instance, profile);
- ``from_pabutools(instance, profile)`` goes the other way (used before Comuna's own reader
  existed, and to feed both sides the very same election);
- ``make_instance(costs, ballots, budget, vote_type)`` builds a small election by hand;
- ``parse(path)`` parses a .pb file with pabutools' own parser;
- ``reference(rule_id, instance, profile, tiebreak="id")`` runs the pabutools rule that defines
  ``rule_id`` and returns the selected project ids as a set.

Run as a script it times one rule on one file, for the benchmark's subprocess:
``python -m tests.choice.oracle FILE RULE`` prints one JSON object
``{"rule", "selected", "parse_seconds", "seconds"}``.
"""

from __future__ import annotations

import json
import sys
import time
from copy import deepcopy
from fractions import Fraction

import numpy as np
from pabutools.election import (
    AbstractCardinalBallot,
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    CardinalBallot,
    Cardinality_Sat,
    CardinalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    OrdinalBallot,
    OrdinalProfile,
    Project,
    parse_pabulib,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)
from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking

from comuna.choice.pb.instance import PBInstance
from comuna.choice.pb.instance import Project as CProject

# pabutools' tie rules with the project name as a last key: pabutools' own min/max-cost and
# approval-score rules leave equal keys in the order they arrive, which for Phragmén is a set's
# (hash) order; Comuna's orders always end with the id, and so do these.
TIE_RULES = {
    "id": lexico_tie_breaking,
    "cost-min": TieBreakingRule(lambda inst, prof, p: (p.cost, p.name)),
    "cost-max": TieBreakingRule(lambda inst, prof, p: (-p.cost, p.name)),
    "supporters": TieBreakingRule(lambda inst, prof, p: (-_listed(prof, p), p.name)),
}


def _listed(profile: object, project: Project) -> int:
    """Ballots listing ``project`` (pabutools' approval score, for every ballot type)."""
    return sum(profile.multiplicity(b) for b in profile if project in b)


POINT_TYPES = ("cumulative", "scoring")


def _fraction(x: object) -> Fraction:
    """A Python Fraction from an int, Fraction or gmpy2 ``mpq`` (what pabutools computes with)."""
    return Fraction(int(x.numerator), int(x.denominator))


def _as_int(x: Fraction) -> int | Fraction:
    return int(x) if x.denominator == 1 else x


def to_pabutools(inst: PBInstance) -> tuple[Instance, object]:
    """The same election as pabutools objects (projects named by their ids)."""
    projects = [Project(p.id, _as_int(p.cost)) for p in inst.projects]
    instance = Instance(projects, budget_limit=_as_int(inst.budget), meta=dict(inst.meta))
    ballots = []
    for v in range(inst.n_voters):
        lo, hi = int(inst.indptr[v]), int(inst.indptr[v + 1])
        js = inst.indices[lo:hi].tolist()
        pts = inst.points[lo:hi].tolist()
        if inst.vote_type in ("approval", "choose-1"):
            ballots.append(ApprovalBallot(projects[j] for j in js))
        elif inst.vote_type == "ordinal":
            b = OrdinalBallot()
            for j in js:
                b.append(projects[j])
            ballots.append(b)
        else:
            b = CumulativeBallot() if inst.vote_type == "cumulative" else CardinalBallot()
            for j, pt in zip(js, pts, strict=True):
                b[projects[j]] = pt
            ballots.append(b)
    profile_class = {
        "approval": ApprovalProfile,
        "choose-1": ApprovalProfile,
        "ordinal": OrdinalProfile,
        "cumulative": CumulativeProfile,
        "scoring": CardinalProfile,
    }[inst.vote_type]
    return instance, profile_class(ballots, instance=instance)


def from_pabutools(instance: Instance, profile: object) -> PBInstance:
    """A Comuna ``PBInstance`` holding the election pabutools parsed (projects sorted by id)."""
    projects = sorted(instance, key=lambda p: p.name)
    index = {p.name: j for j, p in enumerate(projects)}
    indptr = [0]
    indices: list[int] = []
    pts: list[int] = []
    for ballot in profile:
        if isinstance(ballot, AbstractCardinalBallot):
            for p, x in ballot.items():
                indices.append(index[p.name])
                pts.append(int(x))
        else:
            for p in ballot:
                indices.append(index[p.name])
                pts.append(1)
        indptr.append(len(indices))
    meta = {k: str(v) for k, v in instance.meta.items()}
    meta["budget"] = str(_fraction(instance.budget_limit))
    return PBInstance(
        meta=meta,
        projects=[CProject(p.name, _fraction(p.cost)) for p in projects],
        vote_type=meta["vote_type"],
        voter_ids=[str(i) for i in range(len(indptr) - 1)],
        indptr=np.array(indptr, dtype=np.int64),
        indices=np.array(indices, dtype=np.int32),
        points=np.array(pts, dtype=np.int64),
    )


def make_instance(
    costs: dict[str, int | Fraction],
    ballots: list,
    budget: int | Fraction,
    vote_type: str = "approval",
    meta: dict[str, str] | None = None,
) -> PBInstance:
    """A hand-made election: ``ballots`` are lists of ids (approval, choose-1, ordinal, best
    first) or dicts id -> points (cumulative, scoring)."""
    ids = list(costs)
    index = {pid: j for j, pid in enumerate(ids)}
    indptr = [0]
    indices: list[int] = []
    pts: list[int] = []
    for ballot in ballots:
        items = ballot.items() if isinstance(ballot, dict) else ((pid, 1) for pid in ballot)
        for pid, x in items:
            indices.append(index[pid])
            pts.append(int(x))
        indptr.append(len(indices))
    full_meta = {"budget": str(Fraction(budget)), "vote_type": vote_type, **(meta or {})}
    return PBInstance(
        meta=full_meta,
        projects=[CProject(pid, Fraction(c)) for pid, c in costs.items()],
        vote_type=vote_type,
        voter_ids=[str(v + 1) for v in range(len(ballots))],
        indptr=np.array(indptr, dtype=np.int64),
        indices=np.array(indices, dtype=np.int32),
        points=np.array(pts, dtype=np.int64),
    )


def parse(path: str) -> tuple[Instance, object]:
    """pabutools' own reading of a .pb file."""
    return parse_pabulib(str(path))


class _Score_Sat(AdditiveSatisfaction):
    """Satisfaction = the voter's points times the cost, so that density = points.

    pabutools has no "greedy by score" for point ballots; with this measure its additive
    greedy orders by total points (and, like ``Cost_Sat``, a free project scores 0).
    """

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(
            self, instance, profile, ballot, lambda i, pr, b, p, pre: b.get(p, 0) * p.cost
        )


def _threshold_instance(instance: Instance, profile: object, threshold: int) -> Instance:
    """The instance without the projects scoring under ``threshold``."""
    score: dict[str, Fraction] = {p.name: 0 for p in instance}
    for ballot in profile:
        times = profile.multiplicity(ballot)  # a MultiProfile lists each distinct ballot once
        if isinstance(ballot, AbstractCardinalBallot):
            for p, x in ballot.items():
                score[p.name] += x * times
        else:
            for p in ballot:
                score[p.name] += times
    kept = deepcopy(instance)
    for p in list(kept):
        if score[p.name] < threshold:
            kept.remove(p)
    return kept


def reference(rule_id: str, instance: Instance, profile: object, tiebreak: str = "id") -> set[str]:
    """The projects pabutools selects for ``rule_id`` (the definition Comuna must match)."""
    tie = TIE_RULES[tiebreak]
    points = instance.meta.get("vote_type") in POINT_TYPES
    if rule_id in ("greedy-card", "greedy-cost", "greedy-points"):
        sat = {"greedy-card": Cardinality_Sat, "greedy-cost": Cost_Sat}.get(
            rule_id, Additive_Cardinal_Sat
        )
        out = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=tie)
    elif rule_id == "greedy-threshold":
        raw = instance.meta.get("min_project_score_threshold", "").strip()
        threshold = int(Fraction(raw)) if raw else 0
        kept = _threshold_instance(instance, profile, threshold)
        out = greedy_utilitarian_welfare(
            kept, profile, sat_class=_Score_Sat if points else Cost_Sat, tie_breaking=tie
        )
    elif rule_id in ("mes-card", "mes-cost", "mes-points"):
        sat = {"mes-card": Cardinality_Sat, "mes-cost": Cost_Sat}.get(
            rule_id, Additive_Cardinal_Sat
        )
        out = method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=tie)
    elif rule_id == "mes-cost-complete":
        out = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [
                {"sat_class": Cost_Sat, "voter_budget_increment": 1, "tie_breaking": tie},
                {"sat_class": Cost_Sat, "tie_breaking": tie},
            ],
        )
    elif rule_id == "phragmen":
        out = sequential_phragmen(instance, profile, tie_breaking=tie)
    else:
        raise ValueError(f"no reference for rule {rule_id!r}")
    return {p.name for p in out}


def main(argv: list[str]) -> int:
    path, rule_id = argv[0], argv[1]
    t0 = time.perf_counter()
    instance, profile = parse(path)
    t1 = time.perf_counter()
    selected = reference(rule_id, instance, profile)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "rule": rule_id,
                "selected": sorted(selected),
                "parse_seconds": t1 - t0,
                "seconds": t2 - t1,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
