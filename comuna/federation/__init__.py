"""Federation: founding referendums, parliaments of member bodies' spokespersons, their
initiatives and ratifications, and the dashboards that roll up from the councils."""


def PARTS():  # noqa: N802 - the capability's parts, as the other apps name theirs
    """The modules that declare ledger checks (``LEDGER_CHECKS``), chain checks, decision
    listeners (``on_decided``) and deadlines (``DEADLINES``)."""
    from comuna.federation import (
        delegations,
        designations,
        initiatives,
        ratifications,
        referendums,
    )

    return [referendums, delegations, designations, initiatives, ratifications]
