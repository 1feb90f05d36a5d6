"""Diagnosis: needs reported, supported and withdrawn (``need.*``), the census's figures beside
them, and the assembly's prioritisation (``cycle.prioritised``)."""

LEDGER_CHECKS: dict = {}
