"""The plan: projects proposed, revised, resubmitted, withdrawn and reviewed (``project.*``)."""

LEDGER_CHECKS: dict = {}
