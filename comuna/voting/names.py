"""Names and one-line descriptions of the counting rules and poll methods, in the reader's
language.

The engine's rule ids (``mes-cost-complete``, ``stv``) are codes: pages show
``rule_name(id)`` and ``rule_description(id)`` instead. Every rule of the engine's two tables
has an entry (a test checks it), so a rule the engine adds shows up here as missing at once.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comuna.voting.models import RULES as BY_METHOD
from comuna.voting.models import Method

RULES: dict[str, tuple[Promise, Promise]] = {
    "plurality": (
        _("Most votes (plurality)"),
        _("Each ballot names one option; the options with the most votes win."),
    ),
    "approval": (
        _("Approval voting"),
        _(
            "Each voter approves as many options as they like; the options approved by the "
            "most voters win."
        ),
    ),
    "irv": (
        _("Instant runoff"),
        _(
            "Voters rank the options; the option with the fewest first choices is eliminated "
            "and its ballots go to their next choice, until one option has a majority."
        ),
    ),
    "schulze": (
        _("Schulze method"),
        _(
            "Voters rank the options; the winner beats every other option head to head, "
            "directly or through a chain of other options."
        ),
    ),
    "stv": (
        _("Single transferable vote"),
        _(
            "Voters rank the options; an option that reaches the quota is elected, and the "
            "votes it does not need, like those of the weakest options, go to the next choices."
        ),
    ),
    "greedy-cost": (
        _("Most votes first"),
        _("Projects are funded in order of votes, skipping any that no longer fits the budget."),
    ),
    "greedy-card": (
        _("Most votes per cost first"),
        _(
            "Projects are funded in order of votes per unit of cost, skipping any that no "
            "longer fits the budget."
        ),
    ),
    "greedy-points": (
        _("Most points first"),
        _(
            "Options are chosen in order of points received (per unit of cost, for projects), "
            "while they fit."
        ),
    ),
    "greedy-threshold": (
        _("Most votes first, with a minimum"),
        _(
            "Projects under the minimum of votes or points are left out; the others are funded "
            "in order of votes or points while they fit."
        ),
    ),
    "mes-cost": (
        _("Equal Shares (by cost)"),
        _(
            "Each voter gets an equal share of the budget; a project is funded when its "
            "supporters can pay for it together, best value for them first."
        ),
    ),
    "mes-card": (
        _("Equal Shares (by number of projects)"),
        _(
            "Each voter gets an equal share of the budget; a project is funded when its "
            "supporters can pay for it together, cheapest for each supporter first."
        ),
    ),
    "mes-points": (
        _("Equal Shares (by points)"),
        _(
            "Each voter gets an equal share of the budget; a project is funded when its "
            "supporters can pay for it together, cheapest per point first."
        ),
    ),
    "mes-cost-complete": (
        _("Equal Shares (completed by cost)"),
        _(
            "Each voter gets an equal share of the budget; a project is funded when its "
            "supporters can pay for it together; what is left goes to the most voted projects "
            "that still fit."
        ),
    ),
    "phragmen": (
        _("Phragmén's method"),
        _(
            "Supporters share each project's cost, so that no one pays much more than the "
            "others; it stops at the first project that does not fit."
        ),
    ),
}

METHODS: dict[str, Promise] = {
    Method.SINGLE: _("Each voter chooses one option."),
    Method.APPROVAL: _("Each voter chooses all the options they approve of."),
    Method.RANKED: _("Each voter puts the options in order of preference."),
    Method.CUMULATIVE: _("Each voter shares out points among the options."),
    Method.BUDGET: _("Each voter chooses projects, and the budget is shared out among them."),
}


def rule_name(rule_id: str) -> str:
    """The rule's name in the active language (the id itself for an unknown rule)."""
    entry = RULES.get(rule_id)
    return str(entry[0]) if entry else rule_id


def rule_description(rule_id: str) -> str:
    """One line on how the rule counts, in the active language ("" for an unknown rule)."""
    entry = RULES.get(rule_id)
    return str(entry[1]) if entry else ""


def method_name(method: str) -> str:
    return str(Method(method).label)


def method_description(method: str) -> str:
    return str(METHODS[method])


def guide() -> list[dict[str, Any]]:
    """Every method with its rules (the default first), named and described in the active
    language: what the poll form offers, explained."""
    return [
        {
            "name": method_name(method),
            "description": method_description(method),
            "rules": [
                {"name": rule_name(r), "description": rule_description(r), "default": i == 0}
                for i, r in enumerate(rules)
            ],
        }
        for method, rules in BY_METHOD.items()
    ]
