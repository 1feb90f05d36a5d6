"""The parliament's services hold a caller to the same rules as its pages: a resident with no
role (or the wrong body's) is refused by the service itself, and nothing changes."""

from __future__ import annotations

import pytest

from comuna.assemblies import attendance, decisions
from comuna.federation import delegations, designations, initiatives, parliament, ratifications
from comuna.federation.errors import FederationError
from comuna.federation.models import Delegation, Initiative, Ratification, Support
from comuna.ledger.models import Entry
from comuna.territory.models import Mandate
from tests.conftest import SETUP, make_resident
from tests.federation.parliament_fixtures import in_session, session


def _calls(cast, federation):
    """Each service of the parliament, as a function of the caller."""
    assembly = in_session(cast.council)
    matter = initiatives.raise_matter(
        cast.commune, title="Agua", member=cast.other, assembly=in_session(cast.other), by=SETUP
    )
    held = session(cast.commune)
    carried = session(cast.commune)
    for each in (held, carried):
        for resident in (cast.parliamentarian, federation.b_principal_resident):
            attendance.record_presence(each, resident, by=SETUP)
    motion = decisions.propose_motion(held.items.get(), text="Comprar un camión", by=SETUP)
    decided = decisions.propose_motion(carried.items.get(), text="Reparar la vía", by=SETUP)
    both = {federation.a_principal.pk: "for", federation.b_principal.pk: "for"}
    parliament.vote_by_name(decided, both, by=SETUP)
    person = make_resident(cast.other, "Designada", document_id="V-5550001")
    return {
        "elect": lambda by: delegations.propose_election(
            federation.seat_a,
            principal=cast.resident,
            substitute=cast.spokesperson,
            assembly=assembly,
            by=by,
        ),
        "recall": lambda by: delegations.propose_recall(
            federation.a_principal, assembly=assembly, reason="Votó en contra.", by=by
        ),
        "raise": lambda by: initiatives.raise_matter(
            cast.commune, title="Vialidad", member=cast.council, assembly=assembly, by=by
        ),
        "support": lambda by: initiatives.support(matter, cast.council, assembly, by=by),
        "ratify": lambda by: ratifications.require_ratification(
            decided, cast.council, assembly, by=by
        ),
        "vote": lambda by: parliament.vote_by_name(motion, both, by=by),
        "seats": lambda by: parliament.declare_member_seats(cast.commune, bank=False, by=by),
        "designate": lambda by: designations.designate(
            federation.seat_org, principal=person, reference="Acta", by=by
        ),
    }


def _state():
    return (
        Entry.objects.count(),
        Mandate.objects.count(),
        Delegation.objects.count(),
        Initiative.objects.count(),
        Support.objects.count(),
        Ratification.objects.count(),
    )


@pytest.mark.parametrize(
    "name", ["elect", "recall", "raise", "support", "ratify", "vote", "seats", "designate"]
)
def test_a_resident_with_no_role_is_refused_by_the_service(cast, federation, name):
    call = _calls(cast, federation)[name]
    before = _state()
    for user in (cast.resident.user, cast.outsider.user):
        with pytest.raises(FederationError, match="roles|roles"):
            call(user)
    assert _state() == before


def test_the_member_electoral_commission_is_let_through(cast, federation):
    calls = _calls(cast, federation)
    found = calls["elect"](cast.electoral.user)
    assert found.member == cast.council
    assert calls["raise"](cast.electoral.user).started_by == cast.council
