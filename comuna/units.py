"""Sizes written for the reader: a file's megabytes with the locale's decimal mark."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

MEBIBYTE = 1024 * 1024


def megabytes(n: int) -> str:
    """``n`` bytes in megabytes, to one decimal place when it has one ("10,5" in Spanish,
    "10.5" in English, "10" for exactly 10 MB), in the active language."""
    value = (Decimal(n) / MEBIBYTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=0 if value == value.to_integral() else 1)
