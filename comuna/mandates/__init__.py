"""Mandates: seats, spokesperson elections, recall, instructions and accounting to the base."""


def PARTS():  # noqa: N802 - a constant, computed late (the parts import models)
    """The capability's parts, each owning its services, ledger kinds and checks."""
    from comuna.mandates import accounting, candidacy, elections, recall, results, seats

    return (seats, elections, candidacy, results, recall, accounting)
