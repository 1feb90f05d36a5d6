"""Formatting for the reader's language: ``{{ amount|money:body }}``.

``{% load comuna_format %}``, then ``{{ poll.budget|money:body }}`` gives "Bs. 50.000,00" in
Spanish and "VES 50,000.00" in English: the number with the language's separators (two
decimals, always grouped), after the body's currency symbol where the table below knows one
for the language, otherwise its ISO 4217 code. ``money`` also takes a currency code instead
of a body, or nothing for the site's default (``COMUNA_CURRENCY``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

# The symbol each language writes for a currency; any other pair shows the ISO code.
SYMBOLS = {
    "VES": {"es": "Bs."},
    "USD": {"es": "US$", "en": "US$", "pt": "US$"},
    "EUR": {"es": "€", "en": "€", "pt": "€"},
    "BRL": {"es": "R$", "en": "R$", "pt": "R$"},
}


def currency_label(currency: str, language: str | None = None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return SYMBOLS.get(currency, {}).get(language, currency)


@register.filter
def money(amount, body=None) -> str:
    """``amount`` in ``body``'s currency (a body, an ISO code, or nothing for the default)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    currency = getattr(body, "currency", body) or settings.COMUNA_CURRENCY
    number = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{currency_label(currency)}\N{NO-BREAK SPACE}{number}"
