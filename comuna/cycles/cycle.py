"""Opening a cycle and amending its calendar (``cycle.opened``, ``cycle.amended``)."""

LEDGER_CHECKS: dict = {}
