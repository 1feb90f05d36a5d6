"""Participatory-budgeting rules: one table, one entry point.

``RULES`` maps each rule id to its ``RuleSpec``; ``run(rule_id, inst, tiebreak="id")`` checks
that the rule accepts the election's vote type, computes the tie order
(:func:`comuna.choice.pb.tiebreak.tie_rank`) and runs the rule. Every rule has the signature
``rule(inst, *, tie_rank, **options) -> Outcome``. Meanings follow pabutools 1.2.3.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comuna.choice.pb.instance import VOTE_TYPES, PBInstance
from comuna.choice.pb.outcome import Outcome
from comuna.choice.pb.tiebreak import tie_rank

ALL_TYPES = VOTE_TYPES
POINT_TYPES = ("cumulative", "scoring")
APPROVAL_TYPES = ("approval", "choose-1")


@dataclass(frozen=True)
class RuleSpec:
    id: str
    name: str
    description: str  # one line, for `comuna pb rules`
    vote_types: tuple[str, ...]
    target: str  # "module:function", imported when first used

    @property
    def func(self) -> Callable[..., Outcome]:
        module, attr = self.target.split(":")
        return getattr(importlib.import_module(module), attr)

    @property
    def available(self) -> bool:
        """False while the module implementing the rule is not there (e.g. mid-development)."""
        try:
            self.func  # noqa: B018 - the import is the check
        except (ImportError, AttributeError):
            return False
        return True


_GREEDY = "comuna.choice.pb.rules.greedy"
_MES = "comuna.choice.pb.rules.mes"

RULES: dict[str, RuleSpec] = {
    spec.id: spec
    for spec in [
        RuleSpec(
            "greedy-card",
            "Greedy by supporters per cost",
            "Fund projects by number of supporters per unit of cost while they fit.",
            ALL_TYPES,
            f"{_GREEDY}:greedy_card",
        ),
        RuleSpec(
            "greedy-cost",
            "Greedy by votes",
            "Fund projects by number of votes while they fit (utilitarian greedy, cost "
            "satisfaction).",
            ALL_TYPES,
            f"{_GREEDY}:greedy_cost",
        ),
        RuleSpec(
            "greedy-points",
            "Greedy by points per cost",
            "Fund projects by points received per unit of cost while they fit.",
            POINT_TYPES,
            f"{_GREEDY}:greedy_points",
        ),
        RuleSpec(
            "greedy-threshold",
            "Greedy by votes with a threshold",
            "Drop projects under META min_project_score_threshold, then fund by votes or "
            "points while they fit.",
            ALL_TYPES,
            f"{_GREEDY}:greedy_threshold",
        ),
        RuleSpec(
            "mes-card",
            "Equal Shares, cardinality",
            "Method of Equal Shares: each voter gets an equal share of the budget; a voter's "
            "satisfaction is the number of funded projects they support.",
            ALL_TYPES,
            f"{_MES}:mes_card",
        ),
        RuleSpec(
            "mes-cost",
            "Equal Shares, cost",
            "Method of Equal Shares with satisfaction = cost of the funded projects a voter "
            "supports.",
            ALL_TYPES,
            f"{_MES}:mes_cost",
        ),
        RuleSpec(
            "mes-points",
            "Equal Shares, points",
            "Method of Equal Shares with satisfaction = points given to the funded projects.",
            POINT_TYPES,
            f"{_MES}:mes_points",
        ),
        RuleSpec(
            "mes-cost-complete",
            "Equal Shares with completion",
            "Equal Shares (cost), per-voter budget raised one unit at a time while the outcome "
            "fits, then greedy by votes on what is left.",
            ALL_TYPES,
            f"{_MES}:mes_cost_complete",
        ),
        RuleSpec(
            "phragmen",
            "Sequential Phragmén",
            "Supporters share each project's cost, keeping the largest load as small as "
            "possible; stops at the first project that does not fit.",
            APPROVAL_TYPES,
            "comuna.choice.pb.rules.phragmen:phragmen",
        ),
    ]
}


def get(rule_id: str) -> RuleSpec:
    """The rule named ``rule_id``; ValueError listing the known ids otherwise."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise ValueError(f"unknown rule {rule_id!r}; known rules: {', '.join(RULES)}") from None


def accepts(rule_id: str, vote_type: str) -> bool:
    """Whether the rule can count ballots of ``vote_type``."""
    return vote_type in get(rule_id).vote_types


def run(rule_id: str, inst: PBInstance, tiebreak: str = "id", **options: Any) -> Outcome:
    """Run a PB rule on ``inst``, breaking ties by the order named ``tiebreak``."""
    spec = get(rule_id)
    if inst.vote_type not in spec.vote_types:
        raise ValueError(
            f"rule {rule_id} does not accept {inst.vote_type} ballots "
            f"(it accepts: {', '.join(spec.vote_types)})"
        )
    return spec.func(inst, tie_rank=tie_rank(inst, tiebreak), **options)
