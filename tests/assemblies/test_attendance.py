"""The session's attendance services: opening, the door, online check-in, taking a presence
back, ending (met or failed), the sheet's count, the register search; each refusal changes
nothing, and `ledger verify` catches an edit behind the services' back."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import formats, timezone

from comuna.assemblies import attendance
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Attendance, Mode, Status
from comuna.ledger import entries, verify
from tests.assemblies.factories import assembly_in
from tests.assemblies.sessions import at_door, opened

pytestmark = pytest.mark.django_db


def _kinds(cast):
    return [e.kind for e in entries(cast.council.ledger_chain)]


# --- opening ------------------------------------------------------------------------------------


def test_the_session_opens_from_two_hours_before_its_start(cast):
    assembly = assembly_in(
        cast, "convened", starts_at=timezone.now() + timedelta(hours=1, minutes=59)
    )
    attendance.open_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.IN_SESSION and assembly.opened_at is not None
    entry = entries(cast.council.ledger_chain).last()
    assert entry.kind == "assembly.opened"
    assert entry.data["register_size"] == assembly.register_size


def test_opening_earlier_than_two_hours_before_is_refused(cast):
    assembly = assembly_in(cast, "convened")
    with pytest.raises(AssemblyError, match="from two hours before"):
        attendance.open_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.CONVENED and assembly.opened_at is None


def test_a_session_opens_once(cast):
    assembly = opened(cast)
    with pytest.raises(AssemblyError, match="Only a convened assembly"):
        attendance.open_session(assembly, by=cast.electoral.user)


# --- the door and online check-in ------------------------------------------------------------------


def test_the_door_records_a_registered_resident_in_the_room(cast):
    assembly = opened(cast)
    present = attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    assert present.mode == Mode.IN_PERSON and present.recorded_by == cast.electoral.user
    entry = entries(cast.council.ledger_chain).last()
    assert entry.kind == "assembly.present"
    assert entry.data["in_person"] == 1 and entry.data["online"] == 0
    assert "resident" not in entry.data  # only a keyed digest of who came
    assert len(entry.data["person"]) == 64


def test_the_same_person_at_the_door_twice_is_refused_saying_when(cast):
    assembly = opened(cast)
    first = attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    at = formats.time_format(timezone.localtime(first.recorded_at), "TIME_FORMAT")
    with pytest.raises(AssemblyError, match=re.escape(f"already checked in at {at}, at the door")):
        attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    assert assembly.attendances.count() == 1


def test_online_after_the_door_is_refused(cast):
    assembly = opened(cast, online=True)
    attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="already checked in at .*, at the door"):
        attendance.check_in(assembly, by=cast.resident.user)
    assert assembly.attendances.count() == 1


def test_the_door_after_online_is_refused(cast):
    assembly = opened(cast, online=True)
    attendance.check_in(assembly, by=cast.resident.user)
    with pytest.raises(AssemblyError, match="already checked in at .*, online"):
        attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    assert list(assembly.attendances.values_list("mode", flat=True)) == [Mode.ONLINE]


def test_a_member_checks_in_online_in_a_hybrid_session(cast):
    assembly = opened(cast, online=True)
    present = attendance.check_in(assembly, by=cast.spokesperson.user)
    assert present.resident == cast.spokesperson and present.mode == Mode.ONLINE
    quorum = attendance.quorum(assembly)
    assert (quorum.in_person, quorum.online, quorum.present) == (0, 1, 1)


def test_online_check_in_needs_an_online_link(cast):
    assembly = opened(cast, online=False)
    with pytest.raises(AssemblyError, match="no online link"):
        attendance.check_in(assembly, by=cast.resident.user)
    assert not assembly.attendances.exists()


def test_a_resident_not_on_the_frozen_register_is_refused(cast):
    assembly = opened(cast, online=True)
    with pytest.raises(AssemblyError, match="not on the register of this assembly"):
        attendance.record_presence(assembly, cast.outsider, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="not on the register of this assembly"):
        attendance.check_in(assembly, by=cast.outsider.user)
    assert not assembly.attendances.exists()


def test_no_presence_before_the_session_opens_or_after_it_ends(cast):
    convened = assembly_in(cast, "convened")
    with pytest.raises(AssemblyError, match="not been opened"):
        attendance.record_presence(convened, cast.resident, by=cast.electoral.user)
    ended = opened(cast)
    attendance.end_session(ended, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="has ended"):
        attendance.record_presence(ended, cast.resident, by=cast.electoral.user)
    assert not Attendance.objects.exists()


def test_a_mistaken_presence_is_taken_back_with_a_reason(cast):
    assembly = opened(cast)
    present = attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    with pytest.raises(AssemblyError) as refused:
        attendance.remove_presence(present, reason="  ", by=cast.electoral.user)
    assert "reason" in refused.value.message_dict
    attendance.remove_presence(present, reason="Tapped the wrong name", by=cast.electoral.user)
    assert not assembly.attendances.exists()
    assert _kinds(cast)[-1] == "assembly.presence_removed"
    # and the right person can now be recorded
    attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    assert verify().ok


# --- ending -------------------------------------------------------------------------------------


def test_a_session_that_met_quorum_ends(cast):
    assembly = opened(cast, online=True)
    at_door(cast, assembly, 2)
    attendance.check_in(assembly, by=cast.admin.user)
    attendance.end_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.ENDED and assembly.ended_at is not None
    entry = entries(cast.council.ledger_chain).last()
    assert entry.kind == "assembly.ended"
    assert (entry.data["in_person"], entry.data["online"], entry.data["present"]) == (2, 1, 3)
    assert entry.data["required"] == 3 and entry.data["call"] == "first"
    assert len(entry.data["attendees"]) == 64
    assert verify().ok


def test_a_session_that_met_quorum_once_ends_even_if_people_left_the_count(cast):
    assembly = opened(cast)
    present = at_door(cast, assembly, 3)
    attendance.remove_presence(present[0], reason="Wrong person", by=cast.electoral.user)
    attendance.end_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.ENDED


def test_a_session_without_quorum_fails(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 2)
    attendance.end_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.FAILED
    assert entries(cast.council.ledger_chain).last().data["status"] == "failed"
    with pytest.raises(AssemblyError, match="has ended"):
        attendance.end_session(assembly, by=cast.electoral.user)
    assert verify().ok


# --- the paper sheet ----------------------------------------------------------------------------


def test_the_sheet_count_after_the_session_decides_met_or_failed(cast):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert assembly.status == Status.FAILED
    attendance.enter_sheet_count(assembly, 5, by=cast.electoral.user)
    assembly.refresh_from_db()
    assert (assembly.sheet_count, assembly.status) == (5, Status.ENDED)
    assert attendance.quorum(assembly).present == 5
    assert verify().ok


def test_a_sheet_count_above_the_register_is_refused(cast):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    with pytest.raises(AssemblyError) as refused:
        attendance.enter_sheet_count(assembly, 9, by=cast.electoral.user)
    assert "register of this assembly has 8 people" in refused.value.message_dict["count"][0]
    assembly.refresh_from_db()
    assert assembly.sheet_count is None


def test_a_sheet_count_below_the_door_is_refused(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 3)
    attendance.end_session(assembly, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="cannot count fewer"):
        attendance.enter_sheet_count(assembly, 2, by=cast.electoral.user)


@pytest.mark.parametrize("count", [-1, "4", None, True, 2.5])
def test_a_sheet_count_that_is_not_a_whole_number_is_refused(cast, count):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    with pytest.raises(AssemblyError) as refused:
        attendance.enter_sheet_count(assembly, count, by=cast.electoral.user)
    assert "count" in refused.value.message_dict


def test_the_same_sheet_count_twice_is_refused_and_a_correction_needs_a_reason(cast):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    attendance.enter_sheet_count(assembly, 4, by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="count of 4 was already entered"):
        attendance.enter_sheet_count(assembly, 4, by=cast.electoral.user)
    with pytest.raises(AssemblyError) as refused:
        attendance.enter_sheet_count(assembly, 2, by=cast.electoral.user)
    assert "reason" in refused.value.message_dict
    attendance.enter_sheet_count(assembly, 2, by=cast.electoral.user, reason="Counted twice")
    assembly.refresh_from_db()
    assert (assembly.sheet_count, assembly.status) == (2, Status.FAILED)
    assert verify().ok


def test_the_sheet_count_waits_for_the_end_of_the_session(cast):
    assembly = opened(cast)
    with pytest.raises(AssemblyError, match="after the session has ended"):
        attendance.enter_sheet_count(assembly, 4, by=cast.electoral.user)


# --- search -------------------------------------------------------------------------------------


def test_the_register_is_searched_by_name_ignoring_accents_and_case(cast):
    assembly = opened(cast)
    found = attendance.search_register(assembly, "FORANEA")
    assert found == []  # the outsider lives in council B: not on this register
    found = attendance.search_register(assembly, "electóral prueba")
    assert [m.resident for m in found] == [cast.electoral]
    assert found[0].attendance is None
    attendance.record_presence(assembly, cast.electoral, by=cast.electoral.user)
    assert attendance.search_register(assembly, "electoral")[0].attendance is not None


def test_the_register_is_searched_by_document(cast):
    cast.resident.document_id = "V-12.345.678"
    cast.resident.save()
    assembly = opened(cast)
    assert [m.resident for m in attendance.search_register(assembly, "12345678")] == [cast.resident]
    assert attendance.search_register(assembly, "   ") == []


# --- verify -------------------------------------------------------------------------------------


def test_an_attendance_row_added_through_sql_after_the_end_is_caught(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 2)
    attendance.end_session(assembly, by=cast.electoral.user)
    assert verify().ok
    missing = assembly.registered.exclude(
        resident_id__in=assembly.attendances.values("resident_id")
    ).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Attendance._meta.db_table} (assembly_id, resident_id, mode, "
            "recorded_at) VALUES (%s, %s, %s, %s)",
            [assembly.pk, missing.resident_id, "in_person", timezone.now()],
        )
    report = verify()
    assert not report.ok
    found = " ".join(str(p) for p in report.problems)
    assert "no entry records it" in found
    assert "in_person" in found  # the ended entry's counts differ too


def test_a_sheet_count_changed_through_sql_is_caught(cast):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    attendance.enter_sheet_count(assembly, 2, by=cast.electoral.user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {assembly._meta.db_table} SET sheet_count = 6, status = 'ended' WHERE id = %s",
            [assembly.pk],
        )
    report = verify()
    assert not report.ok
    assert any("count" in str(p) for p in report.problems)


def test_a_presence_moved_online_through_sql_is_caught(cast):
    assembly = opened(cast, online=True)
    present = attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    Attendance.objects.filter(pk=present.pk).update(mode=Mode.ONLINE)
    report = verify()
    assert any("another person or mode" in str(p) for p in report.problems)
