"""A closed poll's explanation in the reader's language, put into words at display time.

The count stores the engine's messages (``{"id", "params"}``, see ``comuna.choice.messages``)
in ``Poll.result["explanation"]``. Here they become sentences with Django's gettext (the
renderers of ``comuna.choice.sentences`` are written against ``Words``; ``Reader`` is that
interface over the active language), the options' labels instead of their keys and numbers
formatted for the locale. Polls closed before the messages existed stored English sentences:
those are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from comuna.choice.messages import Msg, rounded
from comuna.choice.sentences import render
from comuna.voting.models import Method, Option
from comuna.voting.names import rule_name

# rules whose count goes round by round, with votes moving between rounds
RANKED_RULES = ("irv", "stv")


class Reader:
    """``comuna.choice.messages.Words`` in the active Django language."""

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        self.labels = dict(labels or {})

    def gettext(self, message: str) -> str:
        return gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)

    def name(self, key: str) -> str:
        return self.labels.get(key, key)

    def number(self, value: str | int, places: int = 2) -> str:
        # a whole number has no decimals; others keep exactly ``places`` (15.50)
        return number_format(rounded(value, places), force_grouping=True)

    def rule(self, rule_id: str) -> str:
        return rule_name(rule_id)


@dataclass
class Why:
    """Why one option was or was not chosen, in sentences."""

    option: Option
    won: bool
    status: str
    sentences: list[str] = field(default_factory=list)


@dataclass
class Explained:
    """Everything the results page says about the count."""

    general: list[str]  # sentences about the whole count (the share, the quota)
    options: list[Why]  # per option, winners first
    rounds: list[int]  # for ranked rules: the round numbers of the table below
    table: list[tuple[Option, list[str]]]  # per option, its votes in each round ("" = out)
    legacy: list[str]  # a poll closed before the messages: its stored English lines


def messages(result: Mapping[str, Any]) -> list[Msg] | None:
    """The stored messages, or None when the result holds old English sentences."""
    stored = result.get("explanation") or []
    if any(not isinstance(item, dict) for item in stored):
        return None
    return [Msg.from_dict(item) for item in stored]


def explain(poll: Any, options: Sequence[Option]) -> Explained:
    """The poll's result put into words for the active language."""
    result = poll.result or {}
    said = messages(result)
    if said is None:
        return Explained([], [], [], [], [str(line) for line in result["explanation"]])
    words = Reader({o.key: o.label for o in options})
    winners = list(result.get("winners", []))
    budget = poll.method == Method.BUDGET
    general = [render(m, words) for m in said if not m.subjects() and m.id != "election.round"]
    tallies = [m.params["tallies"] for m in said if m.id == "election.round"]
    place = {key: n for n, key in enumerate(winners)}
    order = sorted(options, key=lambda o: place.get(o.key, len(winners)))
    whys = []
    for option in order:
        won = option.key in winners
        about = [m for m in said if option.key in m.subjects()]
        if not about and tallies and option.key in tallies[-1]:
            votes = tallies[-1][option.key]
            about = [Msg("election.final", {"candidate": option.key, "votes": votes})]
        whys.append(Why(option, won, _status(won, budget), [render(m, words) for m in about]))
    rounds: list[int] = []
    table: list[tuple[Option, list[str]]] = []
    if result.get("rule") in RANKED_RULES and tallies:
        rounds = list(range(1, len(tallies) + 1))
        table = [
            (o, [words.number(t[o.key]) if o.key in t else "" for t in tallies]) for o in order
        ]
    return Explained(general, whys, rounds, table, [])


def _status(won: bool, budget: bool) -> str:
    if budget:
        return gettext("Funded") if won else gettext("Not funded")
    return gettext("Chosen") if won else gettext("Not chosen")
