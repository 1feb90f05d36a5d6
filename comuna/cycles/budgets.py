"""The participatory budget: created, opened, voted, counted, explained, compared with other
rules, and deviations decided by the assembly (``budget.*``)."""

LEDGER_CHECKS: dict = {}
