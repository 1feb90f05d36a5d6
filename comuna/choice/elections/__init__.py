"""Election rules for ranked, single-choice and approval ballots, with their registry.

One entry point: ``count(rule_id, profile, seats=1, tie_order=None)``. Every rule takes the
tie order as an argument (default: the profile's candidate order) and documents how it
breaks ties; every result lists the rounds of the count and each tie it broke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .irv import irv
from .preflib import PrefLibError, from_preflib, read_preflib, to_preflib, write_preflib
from .profile import ApprovalProfile, RankedProfile
from .result import ElectionResult, Round
from .schulze import schulze
from .single import approval, plurality
from .stv import stv


@dataclass(frozen=True)
class ElectionRule:
    id: str
    name: str
    description: str
    ballot: str  # "ranked" (RankedProfile; single choice = ranking of length one) or "approval"
    func: Callable[..., ElectionResult]
    multi_seat: bool


ELECTION_RULES: dict[str, ElectionRule] = {
    r.id: r
    for r in (
        ElectionRule(
            "plurality",
            "Plurality",
            "Most first choices win (several seats: the top ones, one vote each).",
            "ranked",
            plurality,
            True,
        ),
        ElectionRule(
            "approval",
            "Approval voting",
            "The candidates approved by the most voters win.",
            "approval",
            approval,
            True,
        ),
        ElectionRule(
            "irv",
            "Instant-runoff",
            "Eliminate the weakest and transfer their ballots until someone has a majority.",
            "ranked",
            irv,
            False,
        ),
        ElectionRule(
            "schulze",
            "Schulze (beatpath)",
            "The candidate whose strongest paths beat every rival's; seats: top of its ranking.",
            "ranked",
            schulze,
            True,
        ),
        ElectionRule(
            "stv",
            "Single transferable vote",
            "Proportional seats: Droop quota, exact weighted inclusive Gregory transfers.",
            "ranked",
            stv,
            True,
        ),
    )
}

_PROFILE_OF = {"ranked": RankedProfile, "approval": ApprovalProfile}


def count(
    rule_id: str,
    profile: RankedProfile | ApprovalProfile,
    seats: int = 1,
    tie_order: Sequence[str] | None = None,
) -> ElectionResult:
    """Count ``profile`` with the rule named ``rule_id``."""
    if rule_id not in ELECTION_RULES:
        raise ValueError(f"unknown election rule {rule_id!r}; known: {', '.join(ELECTION_RULES)}")
    rule = ELECTION_RULES[rule_id]
    want = _PROFILE_OF[rule.ballot]
    if not isinstance(profile, want):
        raise TypeError(f"{rule_id} counts {rule.ballot} ballots, got {type(profile).__name__}")
    if seats != 1 and not rule.multi_seat:
        raise ValueError(f"{rule_id} fills one seat; use stv for several")
    return rule.func(profile, seats=seats, tie_order=tie_order)


__all__ = [
    "ELECTION_RULES",
    "ApprovalProfile",
    "ElectionResult",
    "ElectionRule",
    "PrefLibError",
    "RankedProfile",
    "Round",
    "approval",
    "count",
    "from_preflib",
    "irv",
    "plurality",
    "read_preflib",
    "schulze",
    "stv",
    "to_preflib",
    "write_preflib",
]
