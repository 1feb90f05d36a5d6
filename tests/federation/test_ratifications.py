"""A member requires its own assembly to ratify a parliament decision before it binds the
member: until carried it is "not yet binding"; rejected, it "does not bind"."""

from __future__ import annotations

import pytest
from django.db import connection

from comuna.assemblies import attendance, decisions
from comuna.federation import parliament, ratifications
from comuna.federation.errors import FederationError
from comuna.federation.models import Ratification
from comuna.federation.ratifications import Binding
from comuna.ledger import entries, verify
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import decide, in_session, problems, session


def _decision(cast, federation, vote="for"):
    assembly = session(cast.commune)
    for resident in (cast.parliamentarian, federation.b_principal_resident):
        attendance.record_presence(assembly, resident, by=SETUP)
    motion = decisions.propose_motion(assembly.items.get(), text="Cerrar la vía", by=SETUP)
    parliament.vote_by_name(
        motion, {federation.a_principal.pk: vote, federation.b_principal.pk: vote}, by=SETUP
    )
    motion.refresh_from_db()
    return motion


def _require(cast, decision, member=None):
    member = member or cast.council
    return ratifications.require_ratification(
        decision, member, in_session(member), by=cast.electoral.user
    )


@pytest.mark.parametrize(
    "carried, binding, kind",
    [
        (True, Binding.BINDS, "parliament.ratified"),
        (False, Binding.REJECTED, "parliament.ratification_rejected"),
    ],
)
def test_the_members_assembly_decides_whether_the_decision_binds_it(
    cast, federation, carried, binding, kind
):
    ratification = _require(cast, _decision(cast, federation))
    assert ratifications.binding(ratification) == Binding.PENDING
    decide(ratification.motion, carried=carried)
    ratification.refresh_from_db()
    assert ratifications.binding(ratification) == binding
    assert kind in [e.kind for e in entries(cast.council.ledger_chain)]
    assert verify().ok, problems()


def test_a_decision_no_member_required_to_ratify_binds(cast, federation):
    assert ratifications.binding(None) == Binding.BINDS


def test_a_rejected_decision_is_not_ratified(cast, federation):
    with pytest.raises(FederationError, match="Only a carried decision"):
        _require(cast, _decision(cast, federation, vote="against"))


def test_a_decision_of_a_citizens_assembly_is_not_ratified_here(cast, federation):
    motion = decisions.propose_motion(in_session(cast.other).items.get(), text="x", by=SETUP)
    with pytest.raises(FederationError, match="parliament session"):
        _require(cast, motion)


def test_a_body_with_no_seat_may_not_require_it(cast, federation):
    with pytest.raises(FederationError, match="has no seat"):
        ratifications.require_ratification(
            _decision(cast, federation), cast.city, in_session(cast.city), by=SETUP
        )


def test_a_member_requires_it_once(cast, federation):
    decision = _decision(cast, federation)
    _require(cast, decision)
    with pytest.raises(FederationError, match="already requires"):
        _require(cast, decision)
    assert Ratification.objects.count() == 1


def test_verify_finds_a_ratification_marked_with_sql(cast, federation):
    ratification = _require(cast, _decision(cast, federation))
    decide(ratification.motion, carried=False)
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE federation_ratification SET status = 'carried' WHERE id = %s",
            [ratification.pk],
        )
    assert not verify().ok


def test_a_request_its_assembly_left_undecided_lapses_and_is_put_again(cast, federation):
    """While the member's assembly has yet to decide it, a second request is refused; once
    that assembly ended without deciding it, the next request finds it lapsed
    (``parliament.ratification_lapsed``) and goes to another assembly; the decision stays not
    yet binding on the member until one ratifies it."""
    decision = _decision(cast, federation)
    first = _require(cast, decision)
    with pytest.raises(FederationError, match="already requires"):
        ratifications.require_ratification(
            decision, cast.council, first.motion.item.assembly, by=cast.electoral.user
        )
    attendance.end_session(first.motion.item.assembly, by=SETUP)
    second = _require(cast, decision)
    first.refresh_from_db()
    assert first.status == "lapsed" and second.status == "proposed"
    [shown] = [
        r
        for d in parliament.decided_motions(cast.parliament)
        for r in d["ratifications"]
        if d["motion"] == decision
    ]
    assert shown["ratification"] == second and shown["binding"] == Binding.PENDING
    assert "parliament.ratification_lapsed" in [e.kind for e in entries(cast.council.ledger_chain)]
    assert verify().ok, problems()
    decide(second.motion)
    second.refresh_from_db()
    assert ratifications.binding(second) == Binding.BINDS
    with pytest.raises(FederationError, match="already requires"):
        _require(cast, decision)
    assert verify().ok, problems()
