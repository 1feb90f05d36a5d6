"""Pabulib in and out: a ``.pb`` file imported as a budget (``budget.imported``), and every
budget exported as ``.pb``."""

LEDGER_CHECKS: dict = {}
