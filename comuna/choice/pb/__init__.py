"""Participatory budgeting: the rule table and its one entry point.

``RULES`` maps each rule id to its ``Rule`` (``comuna.choice.registry``), which names the vote
types the rule accepts; ``run(rule_id, inst, tiebreak="id")`` checks that the rule accepts the
election's vote type, computes the tie order (``comuna.choice.pb.tiebreak``; the names are
those of ``comuna.choice.ties``) and runs the rule. Every rule has the signature
``rule(inst, *, tie_rank, **options) -> Outcome``. Meanings follow pabutools 1.2.3.

The package also holds the election (``instance``), what a rule returns (``outcome``), the
rules (``rules``) and the Pabulib file format (``pabulib``).
"""

from __future__ import annotations

from typing import Any

from comuna.choice.pb.instance import POINT_TYPES, VOTE_TYPES, PBInstance
from comuna.choice.pb.outcome import Outcome
from comuna.choice.pb.rules.greedy import greedy_card, greedy_cost, greedy_points, greedy_threshold
from comuna.choice.pb.rules.mes import mes_card, mes_cost, mes_cost_complete, mes_points
from comuna.choice.pb.rules.phragmen import phragmen
from comuna.choice.pb.tiebreak import tie_rank
from comuna.choice.registry import Rule, lookup, table

APPROVAL_TYPES = ("approval", "choose-1")

RULES: dict[str, Rule] = table(
    Rule(
        "greedy-card",
        "Greedy by supporters per cost",
        "Fund projects by number of supporters per unit of cost while they fit.",
        VOTE_TYPES,
        greedy_card,
    ),
    Rule(
        "greedy-cost",
        "Greedy by votes",
        "Fund projects by number of votes while they fit (utilitarian greedy, cost satisfaction).",
        VOTE_TYPES,
        greedy_cost,
    ),
    Rule(
        "greedy-points",
        "Greedy by points per cost",
        "Fund projects by points received per unit of cost while they fit.",
        POINT_TYPES,
        greedy_points,
    ),
    Rule(
        "greedy-threshold",
        "Greedy by votes with a threshold",
        "Drop projects under META min_project_score_threshold, then fund by votes or "
        "points while they fit.",
        VOTE_TYPES,
        greedy_threshold,
    ),
    Rule(
        "mes-card",
        "Equal Shares, cardinality",
        "Method of Equal Shares: each voter gets an equal share of the budget; a voter's "
        "satisfaction is the number of funded projects they support.",
        VOTE_TYPES,
        mes_card,
    ),
    Rule(
        "mes-cost",
        "Equal Shares, cost",
        "Method of Equal Shares with satisfaction = cost of the funded projects a voter supports.",
        VOTE_TYPES,
        mes_cost,
    ),
    Rule(
        "mes-points",
        "Equal Shares, points",
        "Method of Equal Shares with satisfaction = points given to the funded projects.",
        POINT_TYPES,
        mes_points,
    ),
    Rule(
        "mes-cost-complete",
        "Equal Shares with completion",
        "Equal Shares (cost), per-voter budget raised one unit at a time while the outcome "
        "fits, then greedy by votes on what is left.",
        VOTE_TYPES,
        mes_cost_complete,
    ),
    Rule(
        "phragmen",
        "Sequential Phragmén",
        "Supporters share each project's cost, keeping the largest load as small as "
        "possible; stops at the first project that does not fit.",
        APPROVAL_TYPES,
        phragmen,
    ),
)


def run(rule_id: str, inst: PBInstance, tiebreak: str = "id", **options: Any) -> Outcome:
    """Run a PB rule on ``inst``, breaking ties by the order named ``tiebreak``."""
    rule = lookup(RULES, rule_id, inst.vote_type)
    outcome: Outcome = rule.target(inst, tie_rank=tie_rank(inst, tiebreak), **options)
    return outcome
