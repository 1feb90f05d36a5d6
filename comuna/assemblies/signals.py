"""Signals other capabilities listen to. ``motion_decided`` is sent inside the decision's
transaction, after its ``assembly.decision`` entry: a listener that raises undoes the decision
(a recall carried, an instruction given, an accounts report approved are parts of it)."""

from django.dispatch import Signal

# kwargs: motion (decided: outcome carried or rejected), actor (the ledger's label)
motion_decided = Signal()
