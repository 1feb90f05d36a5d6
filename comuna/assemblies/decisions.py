"""Decisions: motions on agenda items (amendments decided before the motion they amend), by
show of hands, by secret ballot online (a voting.Poll), or both merged without counting anyone
twice; the majority each item asks for, under the statute version of the assembly; refused
without quorum. [Owned by the decisions part of the capability.]
"""

from __future__ import annotations

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {}
