"""(being built)"""

LEDGER_CHECKS: dict = {}
