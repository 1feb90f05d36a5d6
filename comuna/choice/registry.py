"""The one shape of a rule table, shared by the two families of rules.

Each family keeps a declarative table ``RULES`` (rule id -> ``Rule``) in its package and one
entry point that looks a rule up, checks that it takes the input and calls its target with an
explicit tie order: ``comuna.choice.pb.run`` (participatory budgeting: a ``PBInstance`` in, an
``Outcome`` out) and ``comuna.choice.elections.count`` (elections: a profile in, an
``ElectionResult`` out). Tie orders are named in ``comuna.choice.ties``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    description: str  # one line, for `comuna pb rules`
    # the input kinds the rule counts: PB vote types ("approval", "cumulative", ...) or election
    # ballots ("single", "ranked", "approval")
    accepts: tuple[str, ...]
    target: Callable[..., Any]  # the function that counts
    multi_seat: bool = True  # False: the rule fills one seat only (instant-runoff)


def table(*rules: Rule) -> dict[str, Rule]:
    """A rule table keyed by id, in the order given; a repeated id is a programming error."""
    out: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in out:
            raise ValueError(f"rule id {rule.id!r} appears twice")
        out[rule.id] = rule
    return out


def lookup(rules: Mapping[str, Rule], rule_id: str, *kinds: str) -> Rule:
    """The rule ``rule_id`` of ``rules``, checked to accept one of the input ``kinds``.

    ValueError, naming the known rules or the kinds the rule accepts, otherwise.
    """
    rule = rules.get(rule_id)
    if rule is None:
        raise ValueError(f"unknown rule {rule_id!r}; known rules: {', '.join(rules)}")
    if not set(kinds) & set(rule.accepts):
        raise ValueError(
            f"rule {rule_id} does not accept {' or '.join(kinds)} ballots "
            f"(it accepts: {', '.join(rule.accepts)})"
        )
    return rule
