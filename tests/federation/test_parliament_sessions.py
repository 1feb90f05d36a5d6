"""A session of the commune's parliament: its register is the members seated (not the census),
its quorum the statute's share of them, and its decisions taken by name, each vote beside the
instruction the member's assembly gave on the item (flagged when it goes against it)."""

from __future__ import annotations

import pytest
from django.db import connection

from comuna.assemblies import attendance
from comuna.assemblies.models import Outcome, Registered
from comuna.federation import delegations, parliament
from comuna.federation.errors import FederationError
from comuna.ledger import entries, verify
from comuna.mandates import accounting
from comuna.mandates.errors import MandateError
from comuna.mandates.models import NamedVote
from comuna.territory.models import Mandate
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import decide, in_session, problems, session


def _propose(motion_item, by=SETUP):
    from comuna.assemblies import decisions

    return decisions.propose_motion(motion_item, text="Que la comuna compre un camión", by=by)


def _instruct(cast, federation, item, position, member=None, mandate=None):
    """Council A's (or ``member``'s) assembly instructs the holder of its seat on ``item``."""
    member = member or cast.council
    mandate = mandate or (
        federation.a_principal if member == cast.council else federation.b_principal
    )
    instruction = accounting.propose_instruction(
        None,
        mandate,
        matter="El camión",
        text="Votar como decidió la asamblea.",
        position=position,
        by=SETUP,
        assembly=in_session(member),
        about=item,
    )
    decide(instruction.motion)
    instruction.refresh_from_db()
    return instruction


def test_a_sessions_register_is_the_members_seated_not_the_census(cast, federation):
    assembly = session(cast.commune)
    registered = set(
        Registered.objects.filter(assembly=assembly).values_list("resident", flat=True)
    )
    assert registered == {cast.parliamentarian.pk, federation.b_principal_resident.pk}
    assert assembly.register_size == 2
    assert assembly.organ == cast.parliament


@pytest.mark.parametrize("present, met", [(1, False), (2, True)])
def test_a_session_is_quorate_with_more_than_half_of_its_seated_members(
    cast, federation, present, met
):
    assembly = session(cast.commune)
    for resident in [cast.parliamentarian, federation.b_principal_resident][:present]:
        attendance.record_presence(assembly, resident, by=SETUP)
    quorum = attendance.quorum(assembly)
    assert (quorum.required, quorum.met) == (2, met)


def test_a_substitute_is_not_on_the_register_of_a_session(cast, federation):
    assembly = session(cast.commune)
    with pytest.raises(Exception, match="not on the register"):
        attendance.record_presence(assembly, federation.a_substitute_resident, by=SETUP)


def _quorate_session(cast, federation):
    assembly = session(cast.commune)
    for resident in (cast.parliamentarian, federation.b_principal_resident):
        attendance.record_presence(assembly, resident, by=SETUP)
    return assembly


def test_a_motion_is_decided_by_name_beside_each_members_instruction(cast, federation):
    assembly = _quorate_session(cast, federation)
    item = assembly.items.get()
    a_said = _instruct(cast, federation, item, "for")
    b_said = _instruct(cast, federation, item, "for", member=cast.other)
    motion = _propose(item)
    parliament.vote_by_name(
        motion,
        {federation.a_principal.pk: "against", federation.b_principal.pk: "for"},
        by=SETUP,
    )
    motion.refresh_from_db()
    assert (motion.votes_for, motion.votes_against, motion.abstentions) == (1, 1, 0)
    assert motion.outcome == Outcome.REJECTED  # 1 of 2 is not more than half
    votes = {v.mandate_id: v for v in NamedVote.objects.filter(motion=motion)}
    assert votes[federation.a_principal.pk].instruction == a_said
    assert votes[federation.a_principal.pk].against_instruction
    assert votes[federation.b_principal.pk].instruction == b_said
    assert not votes[federation.b_principal.pk].against_instruction
    kinds = [e.kind for e in entries(cast.commune.ledger_chain)]
    assert kinds[-2:] == ["assembly.decision", "mandate.votes_recorded"]
    assert verify().ok, problems()


def test_an_instruction_to_the_previous_holder_binds_the_substitute_who_took_the_seat(
    cast, federation
):
    assembly = _quorate_session(cast, federation)
    item = assembly.items.get()
    said = _instruct(cast, federation, item, "against")
    recall = delegations.propose_recall(
        federation.a_principal, assembly=in_session(cast.council), reason="No.", by=SETUP
    )
    decide(recall.motion)
    successor = Mandate.objects.active().get(seat=federation.seat_a, kind="spokesperson")
    # the next session: the substitute is on its register and votes, bound by the instruction
    later = session(cast.commune)
    for resident in (successor.resident, federation.b_principal_resident):
        attendance.record_presence(later, resident, by=SETUP)
    later_item = later.items.get()
    from comuna.mandates.models import Instruction

    Instruction.objects.filter(pk=said.pk).update(item=later_item)  # the same matter, again
    motion = _propose(later_item)
    parliament.vote_by_name(
        motion, {successor.pk: "for", federation.b_principal.pk: "for"}, by=SETUP
    )
    vote = NamedVote.objects.get(motion=motion, mandate=successor)
    assert vote.instruction_id == said.pk and vote.against_instruction
    motion.refresh_from_db()
    assert motion.outcome == Outcome.CARRIED


def test_an_instruction_about_an_item_of_another_organ_is_refused(cast, federation):
    other = in_session(cast.council)
    with pytest.raises(MandateError, match="not on a coming session"):
        accounting.propose_instruction(
            None,
            federation.a_principal,
            matter="x",
            text="y",
            position="for",
            by=SETUP,
            assembly=in_session(cast.council),
            about=other.items.get(),
        )


@pytest.mark.parametrize(
    "votes, message",
    [
        ({"a": "for"}, "Say how Vocera B Prueba voted"),
        ({"a": "for", "b": "maybe"}, "Choose how Vocera B Prueba voted"),
        ({"a": "for", "b": "for", "sub": "for"}, "Only the members seated and present"),
        ({"a": "for", "b": "for", "x": "for"}, "not a member's mandate"),
    ],
)
def test_a_vote_by_name_with_a_vote_missing_or_wrong_is_refused(cast, federation, votes, message):
    assembly = _quorate_session(cast, federation)
    motion = _propose(assembly.items.get())
    keys = {
        "a": federation.a_principal.pk,
        "b": federation.b_principal.pk,
        "sub": federation.a_substitute.pk,
        "x": "nobody",
    }
    with pytest.raises(FederationError, match=message):
        parliament.vote_by_name(motion, {keys[k]: v for k, v in votes.items()}, by=SETUP)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.PENDING
    assert not NamedVote.objects.exists()


def test_a_vote_by_name_without_quorum_is_refused(cast, federation):
    assembly = session(cast.commune)
    attendance.record_presence(assembly, cast.parliamentarian, by=SETUP)
    motion = _propose(assembly.items.get())
    with pytest.raises(FederationError, match="without quorum"):
        parliament.vote_by_name(motion, {federation.a_principal.pk: "for"}, by=SETUP)
    assert not NamedVote.objects.exists()


def test_a_motion_of_a_citizens_assembly_is_not_decided_by_name(cast, federation):
    motion = _propose(in_session(cast.council).items.get())
    with pytest.raises(FederationError, match="Only the motions of a parliament session"):
        parliament.vote_by_name(motion, {}, by=SETUP)


def test_a_decided_motion_is_not_voted_again(cast, federation):
    assembly = _quorate_session(cast, federation)
    motion = _propose(assembly.items.get())
    votes = {federation.a_principal.pk: "for", federation.b_principal.pk: "for"}
    parliament.vote_by_name(motion, votes, by=SETUP)
    with pytest.raises(FederationError, match="already decided"):
        parliament.vote_by_name(motion, votes, by=SETUP)


def test_verify_finds_a_named_vote_changed_or_slipped_in_with_sql(cast, federation):
    assembly = _quorate_session(cast, federation)
    motion = _propose(assembly.items.get())
    parliament.vote_by_name(
        motion, {federation.a_principal.pk: "for", federation.b_principal.pk: "for"}, by=SETUP
    )
    assert verify().ok, problems()
    vote = NamedVote.objects.get(mandate=federation.a_principal)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mandates_namedvote SET vote = 'against' WHERE id = %s", [vote.pk])
    assert not verify().ok
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mandates_namedvote SET vote = 'for' WHERE id = %s", [vote.pk])
        cursor.execute("DELETE FROM mandates_namedvote WHERE id = %s", [vote.pk])
    assert not verify().ok


def test_verify_finds_a_named_vote_inserted_with_sql(cast, federation):
    assembly = _quorate_session(cast, federation)
    motion = _propose(assembly.items.get())
    parliament.vote_by_name(
        motion, {federation.a_principal.pk: "for", federation.b_principal.pk: "for"}, by=SETUP
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mandates_namedvote (mandate_id, motion_id, vote, recorded_at) "
            "VALUES (%s, %s, 'for', CURRENT_TIMESTAMP)",
            [federation.a_substitute.pk, motion.pk],
        )
    found = problems()[0]
    assert any("no entry records it" in p.what for p in found), found


def test_a_session_takes_no_count_of_hands(cast, federation):
    from comuna.assemblies.errors import AssemblyError

    assembly = _quorate_session(cast, federation)
    motion = _propose(assembly.items.get())
    with pytest.raises(AssemblyError, match="decides by name"):
        decisions_by_hands(motion)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.PENDING


def decisions_by_hands(motion):
    from comuna.assemblies import decisions

    return decisions.decide_by_hands(motion, votes_for=2, votes_against=0, abstentions=0, by=SETUP)
