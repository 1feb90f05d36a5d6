"""Whether a poll can be voted on and counted, checked when its draft is saved.

:func:`problems` returns, field by field, every reason the poll's settings and options could
not be voted on or counted (seats the rule cannot fill, a ballot nobody could fill in, a budget
project that costs nothing or more than the budget ...). ``Poll.clean`` runs it without the
options; the voting service runs it with them when a draft is created or edited, and again
before opening and closing, so a poll saved by older code is refused with a message rather than
failing half-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comuna.choice import elections

if TYPE_CHECKING:
    from comuna.voting.models import Option, Poll


def problems(poll: Poll, options: Sequence[Option] | None) -> dict[str, list[str]]:
    """Field name -> what is wrong with it; empty when the poll can be voted on and counted.
    With ``options`` None, only what does not depend on the options is checked."""
    from comuna.voting.models import BUDGET_VOTE_TYPES, RULES, Method, rules_for

    found: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        found.setdefault(field, []).append(message)

    method = poll.method
    if method not in RULES:
        add("method", _("Unknown voting method %(m)s.") % {"m": method})
        return found
    if method == Method.BUDGET and poll.vote_type not in ("", *BUDGET_VOTE_TYPES):
        add(
            "vote_type",
            _("Unknown ballot %(kind)s; choose one of: %(kinds)s.")
            % {"kind": poll.vote_type, "kinds": ", ".join(BUDGET_VOTE_TYPES)},
        )
        return found
    if poll.rule not in rules_for(poll):
        add(
            "rule",
            _("The rule %(rule)s does not count %(method)s ballots; choose one of: %(rules)s.")
            % {
                "rule": poll.rule,
                "method": Method(method).label,
                "rules": ", ".join(rules_for(poll)),
            },
        )
    elif poll.rule == "greedy-threshold" and "min_project_score_threshold" not in poll.meta:
        add(
            "rule",
            _(
                "The rule %(rule)s needs the least score a project must reach "
                "(min_project_score_threshold), which only an imported file gives."
            )
            % {"rule": poll.get_rule_display()},
        )
    rule = elections.RULES.get(poll.rule)
    if rule is not None and not rule.multi_seat and poll.seats != 1:
        add(
            "seats",
            _("The rule %(rule)s elects a single winner.") % {"rule": poll.get_rule_display()},
        )
    if method != Method.SINGLE and poll.max_choices is not None:
        if poll.min_choices > poll.max_choices:
            add(
                "min_choices",
                _(
                    "The fewest choices on a ballot (%(low)s) cannot be more than the most "
                    "(%(high)s)."
                )
                % {"low": poll.min_choices, "high": poll.max_choices},
            )
    if method == Method.CUMULATIVE:
        if not poll.max_points:
            add("max_points", _("Say how many points each voter shares out."))
        elif poll.min_choices > poll.max_points:
            add(
                "min_choices",
                ngettext(
                    "With %(points)s point a voter cannot give points to %(low)s options.",
                    "With %(points)s points a voter cannot give points to %(low)s options.",
                    poll.max_points,
                )
                % {"points": poll.max_points, "low": poll.min_choices},
            )
    if method == Method.BUDGET:
        _budget_ballot_problems(poll, add)
        if poll.budget is None or poll.budget <= 0:
            add("budget", _("A participatory budget needs a positive budget."))
        if poll.max_cost is not None:
            if poll.max_cost <= 0:
                add("max_cost", _("The most a ballot may spend must be positive."))
            elif poll.budget is not None and poll.max_cost > poll.budget:
                add(
                    "max_cost",
                    _("A ballot cannot spend more than the budget (%(budget)s).")
                    % {"budget": poll.budget},
                )
    if poll.opens_at and poll.closes_at and poll.closes_at <= poll.opens_at:
        add("closes_at", _("The poll must close after it opens."))
    if options is not None:
        _option_problems(poll, list(options), add)
    return found


def _budget_ballot_problems(poll: Poll, add) -> None:
    """What a budget poll's ballot of its vote type needs."""
    if poll.vote_type == "cumulative" and not poll.max_points:
        add("max_points", _("Say how many points each voter shares out."))
    if poll.vote_type == "choose-1" and (
        poll.min_choices > 1 or (poll.max_choices is not None and poll.max_choices > 1)
    ):
        add("max_choices", _("A ballot of one project only chooses exactly one."))


def _option_problems(poll: Poll, options: list[Option], add) -> None:
    from comuna.voting.models import Method

    n = len(options)
    if n < 2:
        add("options", _("A poll needs at least two options."))
        return
    seen: dict[str, int] = {}
    for line, option in enumerate(options, start=1):
        name = " ".join(option.label.split()).casefold()
        if name in seen:
            add(
                "options",
                _("Line %(n)s: %(label)s is already on line %(first)s.")
                % {"n": line, "label": option.label, "first": seen[name]},
            )
        seen.setdefault(name, line)
    method = poll.method
    if method != Method.BUDGET and poll.seats > n:
        add(
            "seats",
            ngettext(
                "There can be at most %(n)s winner: the poll has %(n)s option.",
                "There can be at most %(n)s winners: the poll has %(n)s options.",
                n,
            )
            % {"n": n},
        )
    if method != Method.SINGLE:
        if poll.max_choices is not None and poll.max_choices > n:
            add(
                "max_choices",
                ngettext(
                    "A ballot cannot choose more than the poll's %(n)s option.",
                    "A ballot cannot choose more than the poll's %(n)s options.",
                    n,
                )
                % {"n": n},
            )
        if poll.min_choices > n:
            add(
                "min_choices",
                ngettext(
                    "A ballot cannot be asked to choose more than the poll's %(n)s option.",
                    "A ballot cannot be asked to choose more than the poll's %(n)s options.",
                    n,
                )
                % {"n": n},
            )
    if method == Method.BUDGET:
        _cost_problems(poll, options, add)


def _cost_problems(poll: Poll, options: list[Option], add) -> None:
    costs = []
    for line, option in enumerate(options, start=1):
        if option.cost is None or option.cost <= 0:
            add(
                "options",
                _("Line %(n)s: %(label)s needs a positive cost.")
                % {"n": line, "label": option.label},
            )
            continue
        costs.append(option.cost)
        if poll.budget is not None and poll.budget > 0 and option.cost > poll.budget:
            add(
                "options",
                _("Line %(n)s: %(label)s costs %(cost)s, more than the whole budget (%(budget)s).")
                % {"n": line, "label": option.label, "cost": option.cost, "budget": poll.budget},
            )
    if poll.max_cost is not None and len(costs) == len(options) and poll.min_choices:
        cheapest = sum(sorted(costs)[: poll.min_choices], Decimal(0))
        if cheapest > poll.max_cost:
            add(
                "min_choices",
                ngettext(
                    "The cheapest project costs %(cost)s, more than a ballot may spend.",
                    "The %(n)s cheapest projects cost %(cost)s, more than a ballot may spend.",
                    poll.min_choices,
                )
                % {"n": poll.min_choices, "cost": cheapest},
            )
