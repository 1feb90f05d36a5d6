"""Election rules for single-choice, ranked and approval ballots: the table and its entry point.

``RULES`` maps each rule id to its ``Rule`` (``comuna.choice.registry``), which names the
ballots the rule accepts: "single" (one choice), "ranked" (a ``RankedProfile``; a single choice
is a ranking of length one) or "approval" (an ``ApprovalProfile``). One entry point:
``count(rule_id, profile, seats=1, tie_order="listed")``. Every rule takes the tie order as an
argument, a name of ``comuna.choice.ties`` or a list of every candidate, and documents how it
breaks ties; every result lists the rounds of the count and each tie it broke.
"""

from __future__ import annotations

from collections.abc import Sequence

from comuna.choice.registry import Rule, lookup, table

from .irv import irv
from .profile import ApprovalProfile, RankedProfile
from .result import ElectionResult
from .schulze import schulze
from .single import approval, plurality
from .stv import stv
from .tiebreak import named_order

RULES: dict[str, Rule] = table(
    Rule(
        "plurality",
        "Plurality",
        "Most first choices win (several seats: the top ones, one vote each).",
        ("single",),
        plurality,
    ),
    Rule(
        "approval",
        "Approval voting",
        "The candidates approved by the most voters win.",
        ("approval",),
        approval,
    ),
    Rule(
        "irv",
        "Instant-runoff",
        "Eliminate the weakest and transfer their ballots until someone has a majority.",
        ("ranked",),
        irv,
        multi_seat=False,
    ),
    Rule(
        "schulze",
        "Schulze (beatpath)",
        "The candidate whose strongest paths beat every rival's; seats: top of its ranking.",
        ("ranked",),
        schulze,
    ),
    Rule(
        "stv",
        "Single transferable vote",
        "Proportional seats: Droop quota, exact weighted inclusive Gregory transfers.",
        ("ranked",),
        stv,
    ),
)


def count(
    rule_id: str,
    profile: RankedProfile | ApprovalProfile,
    seats: int = 1,
    tie_order: str | Sequence[str] = "listed",
) -> ElectionResult:
    """Count ``profile`` with the rule named ``rule_id``, ties broken by ``tie_order``."""
    if isinstance(profile, ApprovalProfile):
        kinds: tuple[str, ...] = ("approval",)
    elif isinstance(profile, RankedProfile):
        kinds = ("single", "ranked")  # a single choice is a ranking of length one
    else:
        raise TypeError(f"count takes a RankedProfile or an ApprovalProfile, not {profile!r}")
    rule = lookup(RULES, rule_id, *kinds)
    if seats != 1 and not rule.multi_seat:
        raise ValueError(f"{rule_id} fills one seat; use stv for several")
    order = named_order(profile, tie_order) if isinstance(tie_order, str) else tie_order
    result: ElectionResult = rule.target(profile, seats=seats, tie_order=order)
    return result
