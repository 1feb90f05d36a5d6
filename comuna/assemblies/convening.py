"""Convening: by the coordination collective or on a petition; the agenda and its amendments
until the notice deadline; petitions and their signatures (in the app or from paper, each
checked against the register); notices in the app and by e-mail (after commit) and the
iCalendar file. [Owned by the convening part of the capability.]
"""

from __future__ import annotations

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {}
