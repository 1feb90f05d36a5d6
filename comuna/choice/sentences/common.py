"""What the renderers share: their type, plural counts of exact numbers, lists of names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from comuna.choice.messages import Words

Params = dict[str, Any]
Sentence = Callable[[Params, Words], str]


def plural(value: str | int) -> int:
    """The count that picks a plural form for an exact number (1.5 votes is plural)."""
    x = Fraction(value)
    return x.numerator if x.denominator == 1 else 2


def names(w: Words, ids: Sequence[str]) -> str:
    """Labels of ``ids``, as a list in words: "A", "A and B", "A, B and C"."""
    labels = [w.name(i) for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return w.gettext("%(list)s and %(last)s") % {
        "list": ", ".join(labels[:-1]),
        "last": labels[-1],
    }


def sentences(*parts: str) -> str:
    """Sentences joined by spaces, empty ones left out."""
    return " ".join(p for p in parts if p)
