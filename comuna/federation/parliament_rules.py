"""Parliaments' permissions: what a member body does about its seat in the parliament of the
body it federates into, each in the member's own pages.

The member's electoral commission puts the election and the recall of its spokesperson to the
member's assembly (as it puts instructions and recall votes: ``mandates.rules``); its
electoral commission or its coordination collective raises a matter to the parliament,
supports one another member raised, and requires a parliament decision to be ratified by the
member's assembly. The parliament body's electoral commission records whom a socio-productive
organisation or the commune bank designated to its seat. Instructions on a parliament's agenda item are ``mandates.instruct``. The
sessions are assemblies of the parliament body (``assemblies.rules``: its coordination
convenes them, its electoral commission keeps their door and records their decisions). The
parliament's page is public (no rule).
"""

from __future__ import annotations

import enum

from comuna.territory.permissions import Role, register_rules


class ParliamentAction(enum.StrEnum):
    ELECT = "parliament.elect"  # put the election of the member's spokesperson to its assembly
    RECALL = "parliament.recall"  # put the recall of the member's spokesperson to its assembly
    RAISE = "parliament.raise"  # raise a matter to the parliament (its first member)
    SUPPORT = "parliament.support"  # raise a matter another member raised
    RATIFY = "parliament.require_ratification"
    # the parliament body's own: record whom an organisation (the bank) designated to its seat
    DESIGNATE = "parliament.designate"


ELECTORAL = frozenset({Role.ELECTORAL})
MEMBER_ORGANS = frozenset({Role.ELECTORAL, Role.COORDINATION})

TABLE = {
    (ParliamentAction.ELECT, None): ELECTORAL,
    (ParliamentAction.RECALL, None): ELECTORAL,
    (ParliamentAction.RAISE, None): MEMBER_ORGANS,
    (ParliamentAction.SUPPORT, None): MEMBER_ORGANS,
    (ParliamentAction.RATIFY, None): MEMBER_ORGANS,
    (ParliamentAction.DESIGNATE, None): ELECTORAL,
}


def register() -> None:
    register_rules("parliament", TABLE, [])
