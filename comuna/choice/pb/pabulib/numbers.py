"""Numbers as .pb files write them, kept exact: ``12``, ``1.0``, ``1,5``, ``.5``, ``1/3``."""

from __future__ import annotations

import re
from fractions import Fraction

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_RATIO = re.compile(r"[+-]?\d+/\d+")
# a number in a .pb file has at most this many characters: real files write at most 10, and
# longer ones only cost time (Python refuses integers of more than 4,300 digits outright)
MAX_NUMBER_CHARS = 40


def parse_number(raw: str) -> Fraction | None:
    """An exact decimal (``12``, ``1.0``, ``1,5``, ``.5``) or ratio (``1/3``); None if neither
    or if longer than ``MAX_NUMBER_CHARS``."""
    s = raw.strip()
    if len(s) > MAX_NUMBER_CHARS:
        return None
    if _NUMBER.fullmatch(s):
        return Fraction(s.replace(",", "."))
    if _RATIO.fullmatch(s):
        num, den = s.split("/")
        if int(den) == 0:
            return None
        return Fraction(int(num), int(den))
    return None


def format_number(x: Fraction) -> str:
    """``x`` as an exact decimal (``12``, ``214386.4``), or ``n/d`` when none exists."""
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    places = max(twos, fives)
    digits = str(abs(x.numerator) * 10**places // x.denominator).rjust(places + 1, "0")
    sign = "-" if x < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def shown(raw: str, width: int = MAX_NUMBER_CHARS) -> str:
    """``raw`` quoted for an error message, cut to ``width`` characters so that a hostile
    field does not make a huge message."""
    s = raw.strip()
    return repr(s) if len(s) <= width else f"{s[:width]!r}... ({len(s)} characters)"
