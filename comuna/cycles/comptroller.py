"""Issue 14 (being built): comptroller."""

from __future__ import annotations

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {}
