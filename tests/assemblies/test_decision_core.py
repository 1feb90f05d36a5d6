"""The decisions core: a show of hands decided by the item's majority, refused without quorum,
with counts above the attendance, or a second time; `ledger verify` re-derives it."""

import pytest
from django.db import connection

from comuna.assemblies import decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Attendance, Majority, Motion, Outcome
from comuna.ledger import verify
from tests.assemblies.factories import assembly_in
from tests.conftest import COUNCIL_A_VOTERS

pytestmark = pytest.mark.django_db


def _present(assembly, n):
    for registered in assembly.registered.select_related("resident")[:n]:
        Attendance.objects.create(assembly=assembly, resident=registered.resident)


def _motion(cast, assembly, majority=Majority.SIMPLE):
    item = assembly.items.first()
    item.majority = majority
    item.save()
    return decisions.propose_motion(item, text="Pintar la casa comunal", by=cast.electoral.user)


def test_a_show_of_hands_carries_a_motion_with_more_than_half_of_those_present(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, COUNCIL_A_VOTERS)
    motion = decisions.decide_by_hands(
        _motion(cast, assembly), votes_for=5, votes_against=2, abstentions=1, by=cast.electoral.user
    )
    assert motion.outcome == Outcome.CARRIED
    assert motion.present == COUNCIL_A_VOTERS
    assert verify().ok


def test_half_of_those_present_is_not_a_simple_majority(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, 8)
    motion = decisions.decide_by_hands(
        _motion(cast, assembly), votes_for=4, votes_against=4, abstentions=0, by=cast.electoral.user
    )
    assert motion.outcome == Outcome.REJECTED


def test_no_decision_without_quorum_and_nothing_changes(cast):
    assembly = assembly_in(cast, "in_session")
    motion = _motion(cast, assembly)
    with pytest.raises(AssemblyError, match="without quorum"):
        decisions.decide_by_hands(
            motion, votes_for=0, votes_against=0, abstentions=0, by=cast.electoral.user
        )
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_counts_above_the_attendance_are_refused(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, 4)
    with pytest.raises(AssemblyError, match="only 4 people are present"):
        decisions.decide_by_hands(
            _motion(cast, assembly),
            votes_for=3,
            votes_against=2,
            abstentions=0,
            by=cast.electoral.user,
        )


def test_the_same_counts_cannot_be_entered_twice(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, 8)
    motion = _motion(cast, assembly)
    decisions.decide_by_hands(
        motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
    )
    with pytest.raises(AssemblyError, match="already decided"):
        decisions.decide_by_hands(
            motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
        )


def test_an_absolute_majority_counts_the_register_not_those_present(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, 5)  # quorum 30% of 8 = 3
    motion = decisions.decide_by_hands(
        _motion(cast, assembly, Majority.ABSOLUTE),
        votes_for=4,
        votes_against=0,
        abstentions=1,
        by=cast.electoral.user,
    )
    assert motion.outcome == Outcome.REJECTED  # 4 of a register of 8 is not more than half


def test_editing_a_decisions_counts_through_sql_is_caught_by_verify(cast):
    assembly = assembly_in(cast, "in_session")
    _present(assembly, 8)
    motion = decisions.decide_by_hands(
        _motion(cast, assembly), votes_for=6, votes_against=2, abstentions=0, by=cast.electoral.user
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Motion._meta.db_table} SET votes_for = 2, votes_against = 6 WHERE id = %s",
            [motion.pk],
        )
    report = verify()
    assert not report.ok
    assert any("votes_for" in str(p) for p in report.problems)
