"""Quorum against the register frozen at convening: exactly at the threshold and one below, on
first and second call; the second call's time and conditions; the register changed afterwards."""

from datetime import timedelta

import pytest

from comuna.assemblies import attendance
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Call
from comuna.ledger import entries, verify
from comuna.territory import census
from tests.assemblies.sessions import at_door, opened
from tests.conftest import COUNCIL_A_VOTERS, make_resident

pytestmark = pytest.mark.django_db

# a register of 8: 30% on first call is 2.4, so 3 people; 20% on second call is 1.6, so 2


def _kinds(cast):
    return [e.kind for e in entries(cast.council.ledger_chain)]


def test_the_register_is_the_one_frozen_at_convening(cast):
    assembly = opened(cast)
    assert assembly.register_size == COUNCIL_A_VOTERS
    assert attendance.quorum(assembly).required == 3


def test_quorum_exactly_at_the_first_call_threshold_is_met(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 3)
    quorum = attendance.quorum(assembly)
    assert (quorum.present, quorum.required, quorum.met) == (3, 3, True)
    assert quorum.call == Call.FIRST


def test_one_below_the_first_call_threshold_is_not_met(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 2)
    quorum = attendance.quorum(assembly)
    assert (quorum.present, quorum.required, quorum.met) == (2, 3, False)
    assembly.refresh_from_db()
    assert assembly.quorum_met_at is None
    assert "assembly.quorum_met" not in _kinds(cast)


def test_quorum_met_is_recorded_once_the_first_time(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 5)
    assembly.refresh_from_db()
    assert assembly.quorum_met_at is not None
    met = [e for e in entries(cast.council.ledger_chain) if e.kind == "assembly.quorum_met"]
    assert len(met) == 1
    assert met[0].data["present"] == 3 and met[0].data["required"] == 3
    assert met[0].data["call"] == "first"
    assert met[0].data["statute_version"] == assembly.statute.number
    assert verify().ok


def test_on_second_call_exactly_at_its_threshold_is_met(cast):
    assembly = opened(cast, started_minutes_ago=31)
    at_door(cast, assembly, 1)
    attendance.second_call(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.call == Call.SECOND
    quorum = attendance.quorum(assembly)
    assert (quorum.present, quorum.required, quorum.met) == (1, 2, False)
    at_door(cast, assembly, 1)
    quorum = attendance.quorum(assembly)
    assert (quorum.present, quorum.required, quorum.met) == (2, 2, True)
    assembly.refresh_from_db()
    assert assembly.quorum_met_at is not None
    assert verify().ok


def test_a_second_call_already_meeting_its_threshold_records_quorum_at_once(cast):
    assembly = opened(cast, started_minutes_ago=45)
    at_door(cast, assembly, 2)
    attendance.second_call(assembly, by=cast.electoral.user)
    assert _kinds(cast)[-2:] == ["assembly.second_call", "assembly.quorum_met"]


def test_the_second_call_is_refused_before_its_time(cast):
    assembly = opened(cast, started_minutes_ago=10)
    with pytest.raises(AssemblyError, match="30 minutes after the start"):
        attendance.second_call(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.call == Call.FIRST
    # and allowed once its time has come
    attendance.second_call(
        assembly, by=cast.electoral.user, now=assembly.starts_at + timedelta(minutes=30)
    )


def test_the_second_call_is_refused_when_first_call_quorum_is_met(cast):
    assembly = opened(cast, started_minutes_ago=40)
    at_door(cast, assembly, 3)
    with pytest.raises(AssemblyError, match="there is no second call"):
        attendance.second_call(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.call == Call.FIRST


def test_the_second_call_is_made_once(cast):
    assembly = opened(cast, started_minutes_ago=40)
    attendance.second_call(assembly, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="already made"):
        attendance.second_call(assembly, by=cast.electoral.user)


def test_a_register_changed_after_convening_changes_neither_size_nor_who_counts(cast):
    assembly = opened(cast)
    newcomer = make_resident(cast.council, "Recienllegada")
    assert census.register(cast.council).filter(pk=newcomer.pk).exists()  # on today's census
    assembly.refresh_from_db()
    assert assembly.register_size == COUNCIL_A_VOTERS
    assert attendance.quorum(assembly).required == 3
    with pytest.raises(AssemblyError, match="not on the register of this assembly"):
        attendance.record_presence(assembly, newcomer, by=cast.electoral.user)


def test_quorum_on_an_empty_register_is_never_met(cast):
    assembly = opened(cast)
    assembly.registered.all().delete()
    assembly.register_size = 0
    assert attendance.quorum(assembly).met is False
