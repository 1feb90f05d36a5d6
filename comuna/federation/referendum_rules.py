"""Founding referendums' permissions, by the referendum's status (draft, voting, founded,
failed, withdrawn).

The promoting commission is the members' coordination collectives (or administrators): the
host's proposes, amends the charter, opens the vote and withdraws a draft; each invited
member's joins, from its own pages (a :class:`~comuna.federation.models.Place`, whose body is
the member). The host's electoral commission counts the merged result once every member's
electoral commission has counted its own poll (the voting app's rules: a member's poll is that
member's), and closes it without founding, saying why, when what it carried cannot be founded. A referendum's pages and API are public (no rule).
"""

from __future__ import annotations

import enum

from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.territory.permissions import Role, Subject, register_rules


class ReferendumAction(enum.StrEnum):
    PROPOSE = "referendum.propose"
    JOIN = "referendum.join"  # on the member's place
    AMEND = "referendum.amend_charter"
    WITHDRAW = "referendum.withdraw"
    OPEN_VOTING = "referendum.open_voting"
    COUNT = "referendum.count"
    CLOSE = "referendum.close_unfounded"  # when the count cannot found what it carried


COMMISSION = frozenset({Role.COORDINATION, Role.ADMINISTRATOR})
DRAFT = ReferendumStatus.DRAFT

TABLE = {
    (ReferendumAction.PROPOSE, None): COMMISSION,
    (ReferendumAction.JOIN, DRAFT): COMMISSION,
    (ReferendumAction.AMEND, DRAFT): COMMISSION,
    (ReferendumAction.WITHDRAW, DRAFT): COMMISSION,
    (ReferendumAction.OPEN_VOTING, DRAFT): COMMISSION,
    (ReferendumAction.COUNT, ReferendumStatus.VOTING): frozenset({Role.ELECTORAL}),
    (ReferendumAction.CLOSE, ReferendumStatus.VOTING): frozenset({Role.ELECTORAL}),
}

REFERENDUM = Subject(
    Referendum,
    body=lambda referendum: referendum.host,
    phase=lambda referendum: referendum.status,
    phases=tuple(ReferendumStatus.values),
    phase_label=lambda referendum: referendum.get_status_display(),
)
PLACE = Subject(
    Place,
    body=lambda place: place.member,
    phase=lambda place: place.referendum.status,
    phases=tuple(ReferendumStatus.values),
    phase_label=lambda place: place.referendum.get_status_display(),
)


def register() -> None:
    register_rules("referendum", TABLE, [REFERENDUM, PLACE])
