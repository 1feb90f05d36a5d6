"""What the engine says, as data: a message id and its parameters, put into words later.

Rules never write sentences. Each step of a count carries a ``Msg``: an id such as
``"pb.greedy.selected"`` and parameters that are plain JSON (ids of projects and candidates,
counts as ints, money and votes as exact numbers written as strings, ``"31/2"``). The reader's
side turns it into a sentence in the reader's language, with the options' labels
(``comuna.choice.sentences`` holds one renderer per id, written against ``Words``).

``Words`` is what a renderer needs from a language: ``gettext``/``ngettext`` (the renderers'
English strings are the message ids of a gettext catalogue), labels for ids, numbers and rule
names. ``English`` is the engine's own: English, ids as labels, numbers with comma grouping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Protocol

# the keys of a message's parameters that name what the message is about
SUBJECT_KEYS = ("project", "candidate", "candidates", "tied")


@dataclass(frozen=True)
class Msg:
    """A message id and its JSON parameters (ids, ints, exact numbers as strings, lists)."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "params": self.params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Msg:
        return cls(str(data["id"]), dict(data.get("params") or {}))

    def subjects(self) -> list[str]:
        """The projects or candidates the message is about."""
        out: list[str] = []
        for key in SUBJECT_KEYS:
            value = self.params.get(key)
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list):
                out.extend(str(v) for v in value)
        return out


def exact(x: Fraction | int) -> str | int:
    """A number as a message parameter: ints stay ints, other values an exact "p/q" string."""
    if isinstance(x, int):
        return x
    return x.numerator if x.denominator == 1 else str(x)


class Words(Protocol):
    """A language for the renderers."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def name(self, key: str) -> str:
        """The label of a project or candidate id."""
        ...

    def number(self, value: str | int, places: int = 2) -> str:
        """An exact number ("31/2", "1500", 7): whole ones grouped, others to ``places``."""
        ...

    def rule(self, rule_id: str) -> str:
        """A rule's name."""
        ...


def rounded(value: str | int, places: int) -> Decimal:
    """``value`` (an exact number) as a Decimal: whole, or rounded half up to ``places``."""
    x = Fraction(value)
    if x.denominator == 1:
        return Decimal(x.numerator)
    q = Decimal(1).scaleb(-places)
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(q, rounding=ROUND_HALF_UP)


class English:
    """The engine's own language: English sentences, labels from ``labels`` (else the ids)."""

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        self.labels = dict(labels or {})

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def name(self, key: str) -> str:
        return self.labels.get(key, key)

    def number(self, value: str | int, places: int = 2) -> str:
        return f"{rounded(value, places):,}"

    def rule(self, rule_id: str) -> str:
        from comuna.choice.elections import RULES as ELECTION_RULES  # (they import this module)
        from comuna.choice.pb import RULES as PB_RULES

        rule = PB_RULES.get(rule_id) or ELECTION_RULES.get(rule_id)
        return rule.name if rule else rule_id


ENGLISH = English()
