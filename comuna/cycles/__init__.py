"""The communal cycle, part 1: diagnosis of needs, the plan, the participatory budget."""


def PARTS():  # noqa: N802 - a constant, computed late (the parts import models)
    """The capability's parts, each owning its services, ledger kinds and checks."""
    from comuna.cycles import budgets, cycle, needs, pbfiles, projects

    return (cycle, needs, projects, budgets, pbfiles)
