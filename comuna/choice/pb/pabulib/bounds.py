"""How big a .pb file's numbers and fields may be.

A hostile .pb file gets a ``PBError`` naming the line and field, never another exception,
and nothing it holds can overflow the counting engine's 64-bit integers (``int_costs``, the
point sums, Equal Shares' satisfaction totals) or its float kernel's exact range:

- a field has at most ``MAX_FIELD_CHARS`` (65,536) characters, a number at most
  ``numbers.MAX_NUMBER_CHARS`` (40);
- a ballot gives a project at most ``MAX_POINTS`` (10^9) points either way, and all the
  points of the file add up (in absolute value) to at most ``MAX_EXACT`` (2^53, about 9e15);
- the budget and the costs are counted in the file's cost unit, 1/``scale`` with ``scale``
  the least common denominator of the budget and the costs: ``scale``, the budget and the
  sum of all costs in that unit are each at most ``MAX_EXACT``; the number of ballots times
  that sum is at most ``MAX_INT64`` (2^63 - 1).

The 1,085 real files of the Pabulib corpus stay far inside: at most 10 characters per
number, 1,101 per field, 100 points per project, a scale of 100, costs summing to 2e9 cost
units and ballots times that sum at 2.5e13.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from comuna.choice.pb.instance import PBError, Project
from comuna.choice.pb.pabulib.numbers import MAX_NUMBER_CHARS, format_number, shown

MAX_FIELD_CHARS = 65_536  # one field (under csv's own limit of 131,072)
MAX_POINTS = 10**9  # one ballot's points for one project, either sign
MAX_EXACT = 2**53  # every integer up to this is exact in float64 too
MAX_INT64 = 2**63 - 1

# the reader's error maker: (message, 0-based line, field) -> PBError
Error = Callable[[str, int | None, str], PBError]


def check_number(raw: str, line0: int, field: str, error: Error) -> None:
    """Refuse a number longer than ``MAX_NUMBER_CHARS``."""
    n = len(raw.strip())
    if n > MAX_NUMBER_CHARS:
        raise error(
            f"a number of {n} characters ({shown(raw)}); numbers have at most {MAX_NUMBER_CHARS}",
            line0,
            field,
        )


def check_fields(fields: list[str], line0: int, error: Error) -> None:
    """Refuse a field longer than ``MAX_FIELD_CHARS``."""
    for f in fields:
        if len(f) > MAX_FIELD_CHARS:
            raise error(
                f"a field of {len(f)} characters ({shown(f)}); fields have at most "
                f"{MAX_FIELD_CHARS}",
                line0,
                "field length",
            )


def check_points(
    points: np.ndarray, tokens: list[str], line_of: Callable[[int], int], error: Error
) -> None:
    """Refuse points beyond ``MAX_POINTS`` (a point too big for int64 is given as
    ``MAX_POINTS + 1``), or adding up beyond ``MAX_EXACT``; ``line_of(t)`` is entry t's line."""
    too_big = np.flatnonzero((points > MAX_POINTS) | (points < -MAX_POINTS))
    if len(too_big):
        t = int(too_big[0])
        raise error(
            f"{shown(tokens[t])} points; a ballot gives a project at most {MAX_POINTS:,} "
            "points either way",
            line_of(t),
            "points",
        )
    size = np.abs(points)
    total = int(size.sum())  # at most MAX_POINTS per entry: no wrap-around here
    if total > MAX_EXACT:
        # the first ballot on which the running total passes the bound
        t = int(np.searchsorted(np.cumsum(size), MAX_EXACT, side="right"))
        raise error(
            f"the points add up to {total:,} in all, more than the {MAX_EXACT:,} that can be "
            "counted exactly; the total passes it on this ballot",
            line_of(t),
            "points",
        )


def check_amounts(
    budget: Fraction,
    budget_line0: int,
    projects: list[Project],
    lines: list[int],
    error: Error,
) -> tuple[int, int]:
    """The sum of the costs in the cost unit, and that unit's inverse ``scale`` (the least
    integer that makes the budget and every cost whole: ``PBInstance.scale``); the scale,
    the budget and the sum in that unit are checked to be at most ``MAX_EXACT``."""
    scale = budget.denominator
    for p, line0 in zip(projects, lines, strict=True):
        scale = math.lcm(scale, p.cost.denominator)
        if scale > MAX_EXACT:
            raise error(
                f"cost {shown(format_number(p.cost))}: the budget and the costs up to this one "
                f"are written in units of 1/{scale}, finer than the 1/{MAX_EXACT:,} that can "
                "be counted exactly",
                line0,
                "cost",
            )
    if budget * scale > MAX_EXACT:
        raise error(
            f"budget {shown(format_number(budget))} is {int(budget * scale):,} units of "
            f"1/{scale}, more than the {MAX_EXACT:,} that can be counted exactly",
            budget_line0,
            "budget",
        )
    total = 0
    for p, line0 in zip(projects, lines, strict=True):
        total += int(p.cost * scale)
        if total > MAX_EXACT:
            raise error(
                f"the costs up to this project add up to {total:,} units of 1/{scale}, more "
                f"than the {MAX_EXACT:,} that can be counted exactly",
                line0,
                "cost",
            )
    return total, scale


def check_ballots_times_costs(
    n_ballots: int, total: int, scale: int, line0: int, error: Error
) -> None:
    """Refuse more ballots than Equal Shares can sum each project's cost over in int64."""
    if n_ballots * total > MAX_INT64:
        raise error(
            f"{n_ballots:,} ballots times the costs in all ({total:,} units of 1/{scale}) is "
            f"more than the {MAX_INT64:,} that can be counted exactly",
            line0,
            "VOTES",
        )
