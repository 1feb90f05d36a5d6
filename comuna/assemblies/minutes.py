"""Minutes (acta): drafted from the agenda, attendance and decisions; corrections proposed by
attendees within the statute's days; approved by the session itself or the next assembly; then
sealed: the SHA-256 of the HTML download goes into the ledger and the minutes never change.
HTML and PDF (WeasyPrint) downloads. [Owned by the minutes part of the capability.]
"""

from __future__ import annotations

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {}
