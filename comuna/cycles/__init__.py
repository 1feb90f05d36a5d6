"""The communal cycle: diagnosis of needs, the plan, the participatory budget (part 1); execution,
expenses, social comptrollership and the clearing house (part 2)."""


def PARTS():  # noqa: N802 - a constant, computed late (the parts import models)
    """The capability's parts, each owning its services, ledger kinds and checks."""
    from comuna.cycles import (
        budgets,
        comptroller,
        cycle,
        execution,
        expenses,
        lessons,
        needs,
        pbfiles,
        projects,
    )

    return (cycle, needs, projects, budgets, pbfiles, execution, expenses, comptroller, lessons)
