"""Amounts of money as the database holds them: 14 digits, 2 of them after the point.

Every money field of a poll (its budget, the most a ballot may spend, a project's cost) is a
:class:`MoneyField`, and every way in (the model, the poll form, a project line) goes through
:func:`validate_amount`, so an amount the column cannot hold is refused where it is typed, with
the largest amount allowed, and never reaches the count.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 14
MONEY_PLACES = 2
MONEY_MAX = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES) - Decimal(1).scaleb(-MONEY_PLACES)


def amount_problem(value: Decimal) -> str | None:
    """Why the column cannot hold ``value``, or None when it can."""
    if not value.is_finite():
        return str(_("“%(value)s” is not an amount.") % {"value": value})
    if abs(value) > MONEY_MAX:
        return str(
            _("%(value)s is more than the largest amount allowed, %(max)s.")
            % {"value": value, "max": number_format(MONEY_MAX, 2, force_grouping=True)}
        )
    if value != value.quantize(Decimal(1).scaleb(-MONEY_PLACES), rounding="ROUND_DOWN"):
        return str(_("%(value)s has more than two decimal places.") % {"value": value})
    return None


def validate_amount(value: Decimal | None) -> None:
    if value is None:
        return
    problem = amount_problem(Decimal(value))
    if problem:
        raise ValidationError(problem, code="amount")


def parse_amount(text: str) -> Decimal:
    """An amount as people type it ("300", "300,50", "1 500.25"); ValueError when it is not
    one, or when the column cannot hold it (the message says why)."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            str(_("“%(value)s” is not an amount.") % {"value": text.strip()})
        ) from None
    problem = amount_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class MoneyFormField(forms.DecimalField):
    """A form's amount: one clear message when it is too large or too precise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, django_validators.DecimalValidator)
        ] + [validate_amount]


class MoneyField(models.DecimalField):
    """An amount of money in a model: 14 digits, 2 decimal places, checked by
    :func:`validate_amount` (instead of Django's digit-count message)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        return [*self.default_validators, *self._validators, validate_amount]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MoneyFormField, **kwargs})
