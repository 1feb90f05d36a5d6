"""The majority each item asks for, at its edges: simple (more than half of those present),
absolute (more than half of the register frozen at convening), two thirds of those present."""

import pytest

from comuna.assemblies import decisions
from comuna.assemblies.models import Majority, Outcome
from tests.assemblies.decision_helpers import PEOPLE, check_in, motion_on
from tests.assemblies.factories import assembly_in
from tests.conftest import make_resident

pytestmark = pytest.mark.django_db


def _reached(cast, majority, votes_for, present, register_size=8, against=0, abstaining=0):
    return decisions.majority_reached(
        majority,
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstaining,
        present=present,
        register_size=register_size,
        statute=cast.council.current_statute(),
    )


def test_simple_majority_needs_more_than_half_of_those_present(cast):
    assert not _reached(cast, Majority.SIMPLE, 4, 8)  # exactly half
    assert _reached(cast, Majority.SIMPLE, 5, 8)
    assert not _reached(cast, Majority.SIMPLE, 3, 7)
    assert _reached(cast, Majority.SIMPLE, 4, 7)


def test_abstaining_counts_as_present_and_not_for(cast):
    # 4 for, 3 against, 1 abstaining: 4 is not more than half of the 8 present
    assert not _reached(cast, Majority.SIMPLE, 4, 8, against=3, abstaining=1)


def test_two_thirds_is_reached_exactly_at_two_thirds(cast):
    assert _reached(cast, Majority.TWO_THIRDS, 4, 6)  # exactly two thirds
    assert not _reached(cast, Majority.TWO_THIRDS, 3, 6)
    assert not _reached(cast, Majority.TWO_THIRDS, 5, 8)  # 5 < 16/3
    assert _reached(cast, Majority.TWO_THIRDS, 6, 8)


def test_absolute_majority_needs_more_than_half_of_the_register(cast):
    assert not _reached(cast, Majority.ABSOLUTE, 4, 4, register_size=8)  # exactly half
    assert _reached(cast, Majority.ABSOLUTE, 5, 5, register_size=8)
    assert not _reached(cast, Majority.ABSOLUTE, 4, 5, register_size=9)
    assert _reached(cast, Majority.ABSOLUTE, 5, 5, register_size=9)


def test_absolute_majority_counts_the_register_frozen_at_convening_not_todays_census(cast):
    assembly = assembly_in(cast, "in_session")
    assert assembly.register_size == 8
    for i in range(4):  # the census grows after convening: 12 adults today
        make_resident(cast.council, f"Nueva{i}")
    check_in(cast, assembly, PEOPLE[:5])
    motion = decisions.decide_by_hands(
        motion_on(cast, assembly, majority=Majority.ABSOLUTE),
        votes_for=5,
        votes_against=0,
        abstentions=0,
        by=cast.electoral.user,
    )
    assert motion.outcome == Outcome.CARRIED  # 5 of 8, though not of 12
    assert motion.present == 5


def test_a_two_thirds_item_at_exactly_two_thirds_carries_through_the_service(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE[:6])
    motion = decisions.decide_by_hands(
        motion_on(cast, assembly, majority=Majority.TWO_THIRDS),
        votes_for=4,
        votes_against=1,
        abstentions=1,
        by=cast.electoral.user,
    )
    assert motion.outcome == Outcome.CARRIED
