"""[part: accounting] — see /work/prompts. LEDGER_CHECKS: {kind: (check, label)}."""

from __future__ import annotations

LEDGER_CHECKS: dict = {}
