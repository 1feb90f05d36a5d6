"""Ballots that break their own file's META limits.

A ballot may break META ``min_length``/``max_length``, ``min_sum_cost``/``max_sum_cost``,
``min_points``/``max_points``, ``min_sum_points``/``max_sum_points``; a choose-1 ballot may
list more than one project, a ballot may list a project twice, a project may cost less than
``min_project_cost`` or more than ``max_project_cost``. These are not reading errors: the file
is well formed, its ballots simply do not keep its own rules, and what to do about it is the
caller's policy (``comuna pb check`` reports them, ``comuna pb run`` counts the ballots as cast
and warns, ``comuna pb run --strict`` refuses the file). Counted as cast, a project listed
twice on an approval, choose-1 or ordinal ballot counts once (its first place), which is what
pabutools does; on a cumulative or scoring ballot it is an error (which points would count?).

In the shared corpus of 1,085 real files, 31 break their own constraints this way: 15
Warszawa 2017/2018 files have ballots over ``max_sum_cost`` (which equals the budget there);
14 files have approval ballots naming a project twice (13 Warszawa 2022/2026 files and a
Stanford Seattle 2019 one); Mechanical Turk ``Utilities_3`` has ballots under
``min_sum_points``; Amsterdam 212 has a project under ``min_project_cost``. Per-category
constraints (``max_length_per_category`` and the like, one file each) are kept in META but not
checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress

import numpy as np

from comuna.choice.pb.instance import POINT_TYPES, PBError, PBInstance
from comuna.choice.pb.pabulib.numbers import parse_number

# the META keys holding the limits checked here
LIMITS = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "min_project_cost",
    "max_project_cost",
)


@dataclass
class Lines:
    """Where things are in the file, so that a problem can name its line."""

    voter: np.ndarray  # 0-based file line of each ballot
    project: np.ndarray  # 0-based file line of each project
    meta: dict[str, int]  # 0-based file line of each META key


def ballot_problems(inst: PBInstance, path: str = "", lines: Lines | None = None) -> list[PBError]:
    """Ballots (and projects) breaking the instance's own META constraints, first line first.

    One ``PBError`` per broken constraint, naming how many ballots break it and the first one
    (its line when ``lines`` says where things are, as the reader does).
    """
    n = inst.n_voters
    counts = np.diff(inst.indptr)
    voter_of = np.repeat(np.arange(n, dtype=np.int64), counts)
    found: list[tuple[int, PBError]] = []  # (sort key: first offending line, error)

    def report(field: str, bad: np.ndarray, what: str, detail: Callable[[int], str]) -> None:
        """``bad``: indices of offending ballots; ``detail(k)`` describes ballot k."""
        if not len(bad):
            return
        k = int(bad[0])
        line0 = int(lines.voter[k]) if lines is not None else None
        many = f"{len(bad)} ballots break" if len(bad) > 1 else "1 ballot breaks"
        msg = f"{many} {what}; first: voter {inst.voter_ids[k]} {detail(k)}"
        found.append((line0 if line0 is not None else k, _err(msg, path, line0, field)))

    # a project listed twice on one ballot
    if len(voter_of):
        key = voter_of * max(inst.n_projects, 1) + inst.indices
        order = np.argsort(key, kind="stable")
        repeat = np.zeros(len(key), dtype=bool)
        repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
        if repeat.any():
            if inst.vote_type in POINT_TYPES:
                t = int(np.flatnonzero(repeat)[0])
                v = int(voter_of[t])
                raise _err(
                    f"voter {inst.voter_ids[v]} gives points to project "
                    f"{inst.projects[int(inst.indices[t])].id} twice",
                    path,
                    int(lines.voter[v]) if lines is not None else None,
                    "vote",
                )
            bad_entries = np.flatnonzero(repeat)
            bad = np.unique(voter_of[bad_entries])
            first_rep = {int(voter_of[t]): int(inst.indices[t]) for t in bad_entries[::-1]}
            report(
                "repeated project",
                bad,
                "the rule that a ballot lists each project once (counted once)",
                lambda k: f"lists project {inst.projects[first_rep[k]].id} twice",
            )
            # measure lengths and sums as the ballot will be counted: repeats once
            keep = ~repeat
            counts = np.bincount(voter_of[keep], minlength=n)
            indices = inst.indices[keep]
            pts = inst.points[keep]
            voter_of = voter_of[keep]
        else:
            indices, pts = inst.indices, inst.points
    else:
        indices, pts = inst.indices, inst.points

    def bound(key: str) -> Fraction | None:
        raw = inst.meta.get(key, "")
        return parse_number(raw) if raw.strip() else None

    if inst.vote_type == "choose-1":
        report(
            "vote_type",
            np.flatnonzero(counts > 1),
            "choose-1 (one project per ballot)",
            lambda k: f"chose {counts[k]}",
        )
    for key, cmp in (("min_length", np.less), ("max_length", np.greater)):
        b = bound(key)
        if b is not None:
            bad = _compare_exact(counts, b, cmp)
            report(key, bad, f"{key} {inst.meta[key]}", lambda k: f"lists {counts[k]}")

    lo, hi = bound("min_sum_cost"), bound("max_sum_cost")
    if lo is not None or hi is not None:
        sums = _segment_sums(inst.int_costs[indices], counts)
        scale = inst.scale
        for key, b, cmp in (("min_sum_cost", lo, np.less), ("max_sum_cost", hi, np.greater)):
            if b is None:
                continue
            bad = _compare_exact(sums, b * scale, cmp)
            report(
                key,
                bad,
                f"{key} {inst.meta[key]}",
                lambda k: f"asks for {Fraction(int(sums[k]), scale)}",
            )  # noqa: B023

    if inst.vote_type in POINT_TYPES:
        lo, hi = bound("min_points"), bound("max_points")
        for key, b, cmp in (("min_points", lo, np.less), ("max_points", hi, np.greater)):
            if b is None:
                continue
            bad_entries = _compare_exact(pts, b, cmp)
            bad = np.unique(voter_of[bad_entries])
            report(
                key,
                bad,
                f"{key} {inst.meta[key]}",
                lambda k: "gives a project too many or few points",
            )
        lo, hi = bound("min_sum_points"), bound("max_sum_points")
        if lo is not None or hi is not None:
            sums = _segment_sums(pts, counts)
            for key, b, cmp in (
                ("min_sum_points", lo, np.less),
                ("max_sum_points", hi, np.greater),
            ):
                if b is None:
                    continue
                bad = _compare_exact(sums, b, cmp)
                report(key, bad, f"{key} {inst.meta[key]}", lambda k: f"gives {sums[k]} points")  # noqa: B023

    for key, cmp in (("min_project_cost", np.less), ("max_project_cost", np.greater)):
        b = bound(key)
        if b is None:
            continue
        bad = _compare_exact(inst.int_costs, b * inst.scale, cmp)
        if len(bad):
            j = int(bad[0])
            line0 = int(lines.project[j]) if lines is not None else None
            found.append(
                (
                    -1 if line0 is None else line0,
                    _err(
                        f"{len(bad)} project(s) break {key} {inst.meta[key]}; first: "
                        f"{inst.projects[j].id} costs {inst.projects[j].cost}",
                        path,
                        line0,
                        key,
                    ),
                )
            )
    found.sort(key=lambda x: x[0])
    return [e for _, e in found]


def _err(message: str, path: str, line0: int | None, field: str) -> PBError:
    return PBError(message, path=path, line=None if line0 is None else line0 + 1, field=field)


def _segment_sums(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per-ballot sums of ``values`` (ballots as consecutive runs of ``counts``), exact int64."""
    cs = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=cs[1:])
    ends = np.cumsum(counts)
    sums: np.ndarray = cs[ends] - cs[ends - counts]
    return sums


def _compare_exact(values: np.ndarray, bound: Fraction, cmp: np.ufunc) -> np.ndarray:
    """Indices where ``cmp(value, bound)`` for integer values and an exact ``bound``."""
    # for integers v: v < b  <=>  v < ceil(b);  v > b  <=>  v > floor(b)
    edge = (
        -((-bound.numerator) // bound.denominator)
        if cmp is np.less
        else bound.numerator // bound.denominator
    )
    return np.flatnonzero(cmp(values, edge))


def drop_repeats(inst: PBInstance) -> PBInstance:
    """The same instance with each ballot's repeated projects removed (first place kept)."""
    n = inst.n_voters
    counts = np.diff(inst.indptr)
    voter_of = np.repeat(np.arange(n, dtype=np.int64), counts)
    key = voter_of * max(inst.n_projects, 1) + inst.indices
    order = np.argsort(key, kind="stable")
    keep = np.ones(len(key), dtype=bool)
    keep[order[1:]] = key[order[1:]] != key[order[:-1]]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(voter_of[keep], minlength=n), out=indptr[1:])
    return PBInstance(
        meta=inst.meta,
        projects=inst.projects,
        vote_type=inst.vote_type,
        voter_ids=inst.voter_ids,
        indptr=indptr,
        indices=inst.indices[keep],
        points=inst.points[keep],
        project_columns=inst.project_columns,
        vote_columns=inst.vote_columns,
        voter_fields=_raw_points_kept(inst, keep),
    )


def _raw_points_kept(inst: PBInstance, keep: np.ndarray) -> list[dict[str, str]] | None:
    """The voters' extra columns, with a ``points`` column that the vote type does not use (an
    ordinal file carrying its ranks' points) cut to the projects each ballot keeps, so that the
    file written back lists as many points as projects (found by ``make fuzz``)."""
    fields = inst.voter_fields
    if not fields or inst.vote_type in POINT_TYPES or "points" not in fields[0]:
        return fields
    bounds = inst.indptr.tolist()
    kept = keep.tolist()
    out = list(fields)
    for v, row in enumerate(fields):
        a, b = bounds[v], bounds[v + 1]
        items = row.get("points", "").split(",") if row.get("points") else []
        if len(items) == b - a and not all(kept[a:b]):
            out[v] = {**row, "points": ",".join(compress(items, kept[a:b]))}
    return out
