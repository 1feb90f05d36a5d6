"""Territory's own permissions: who may see a body, its register and its census, and who
may change the census. A body has no phase, so every row is for phase ``None``."""

from __future__ import annotations

import enum

from comuna.territory.permissions import MEMBERS, Role, register_rules


class Action(enum.StrEnum):
    VIEW_BODY = "territory.view_body"
    VIEW_REGISTER = "territory.view_register"
    VIEW_CENSUS = "territory.view_census"
    MANAGE_CENSUS = "territory.manage_census"


TABLE = {
    (Action.VIEW_BODY, None): MEMBERS,
    (Action.VIEW_REGISTER, None): MEMBERS,
    # personal data: the commission that keeps the census, the unit that audits it, and admins
    (Action.VIEW_CENSUS, None): {Role.ELECTORAL, Role.COMPTROLLER, Role.ADMINISTRATOR},
    (Action.MANAGE_CENSUS, None): {Role.ELECTORAL, Role.ADMINISTRATOR},
}


def register() -> None:
    register_rules("territory", TABLE)
