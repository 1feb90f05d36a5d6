"""Opening a cycle, amending its calendar, the cycle in force and what a reader can do now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.cycles import cycle as service
from comuna.cycles.errors import CycleError
from comuna.cycles.models import Cycle, CyclePhase
from comuna.cycles.rules import CycleAction
from comuna.ledger import entries, verify
from tests.cycles.factories import cycle_in


def calendar(start: int = 0, step: int = 10) -> dict:
    today = timezone.localdate()
    return {
        name: today + timedelta(days=start + step * n) for n, name in enumerate(service.CALENDAR)
    }


def test_the_coordination_opens_a_cycle_with_its_calendar(cast):
    made = service.open_cycle(
        cast.council,
        title="Ciclo 2027",
        description="El año",
        by=cast.comptroller.user,
        **calendar(),
    )
    assert made.phase() == CyclePhase.DIAGNOSIS
    entry = entries(cast.council.ledger_chain).get(kind="cycle.opened")
    assert entry.data["cycle"] == made.pk and entry.data["title"] == "Ciclo 2027"
    assert entry.data["ends_on"] == made.ends_on.isoformat()
    assert verify().ok


@pytest.mark.parametrize("field", service.CALENDAR[1:])
def test_a_phase_of_no_day_is_refused_naming_its_date(cast, field):
    dates = calendar()
    index = service.CALENDAR.index(field)
    # the date falls on the previous one: the phase would have no day (the diagnosis, one
    # day before it opens)
    dates[field] = dates[service.CALENDAR[index - 1]] - timedelta(
        days=1 if field == "diagnosis_until" else 0
    )
    with pytest.raises(CycleError) as refused:
        service.open_cycle(cast.council, title="Ciclo", by=cast.comptroller.user, **dates)
    assert refused.value.field == field
    assert not Cycle.objects.exists()
    assert not entries(cast.council.ledger_chain).filter(kind="cycle.opened").exists()


def test_a_cycle_opening_in_the_past_or_without_a_title_is_refused(cast):
    with pytest.raises(CycleError) as refused:
        service.open_cycle(cast.council, title="Ciclo", by=cast.admin.user, **calendar(start=-1))
    assert refused.value.field == "starts_on"
    with pytest.raises(CycleError) as refused:
        service.open_cycle(cast.council, title="  ", by=cast.admin.user, **calendar())
    assert refused.value.field == "title"
    missing = {**calendar(), "ends_on": None}
    with pytest.raises(CycleError) as refused:
        service.open_cycle(cast.council, title="Ciclo", by=cast.admin.user, **missing)
    assert refused.value.field == "ends_on"
    assert not Cycle.objects.exists()


def test_amending_moves_dates_to_come_and_records_what_changed(cast):
    made = cycle_in(cast, CyclePhase.PLANNING)
    later = made.budget_until + timedelta(days=3)
    service.amend(made, budget_until=later, title="Ciclo nuevo", by=cast.comptroller.user)
    made.refresh_from_db()
    assert made.budget_until == later and made.title == "Ciclo nuevo"
    entry = entries(cast.council.ledger_chain).get(kind="cycle.amended")
    assert entry.data["changed"] == ["budget_until", "title"]


def test_a_past_date_cannot_be_amended_nor_a_date_moved_into_the_past(cast):
    made = cycle_in(cast, CyclePhase.PLANNING)
    with pytest.raises(CycleError) as refused:
        service.amend(
            made, diagnosis_until=made.diagnosis_until + timedelta(days=1), by=cast.admin.user
        )
    assert refused.value.field == "diagnosis_until"
    with pytest.raises(CycleError) as refused:
        service.amend(
            made, planning_until=timezone.localdate() - timedelta(days=1), by=cast.admin.user
        )
    assert refused.value.field == "planning_until"
    with pytest.raises(CycleError, match="Nothing was changed"):
        service.amend(made, title=made.title, by=cast.admin.user)
    assert not entries(cast.council.ledger_chain).filter(kind="cycle.amended").exists()


def test_a_cycle_in_execution_is_not_amended(cast):
    made = cycle_in(cast, CyclePhase.EXECUTION)
    with pytest.raises(CycleError):
        service.amend(made, title="Otro", by=cast.admin.user)


def test_the_current_cycle_holds_the_day_else_it_is_the_latest(cast):
    assert service.current(cast.council) is None
    closed = cycle_in(cast, CyclePhase.CLOSED)
    assert service.current(cast.council) == closed
    running = cycle_in(cast, CyclePhase.REVIEW)
    assert service.current(cast.council) == running
    planned = cycle_in(cast, CyclePhase.PLANNED)  # starts later: the latest, not the current
    assert service.current(cast.council) == running
    assert service.current(cast.council, on=planned.starts_on) == planned


def test_the_next_steps_follow_the_phase_and_the_readers_roles(cast):
    made = cycle_in(cast, CyclePhase.DIAGNOSIS)
    resident = service.next_steps(made, cast.resident.user)
    assert [s["action"] for s in resident] == [
        CycleAction.REPORT_NEED,
        CycleAction.SUPPORT_NEED,
    ]
    assert all(s["allowed"] for s in resident)
    coordination = {s["action"] for s in service.next_steps(made, cast.comptroller.user)}
    assert CycleAction.EDIT in coordination and CycleAction.REPORT_NEED in coordination
    from django.contrib.auth.models import AnonymousUser

    anonymous = service.next_steps(made, AnonymousUser())
    assert [s["action"] for s in anonymous] == [CycleAction.REPORT_NEED, CycleAction.SUPPORT_NEED]
    assert all(not s["allowed"] and s["login"] for s in anonymous)
    outsider = service.next_steps(made, cast.outsider.user)
    assert all(not s["allowed"] and not s["login"] for s in outsider)


def test_ledger_verify_catches_a_cycle_edited_in_sql(cast):
    made = service.open_cycle(cast.council, title="Ciclo", by=cast.admin.user, **calendar())
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Cycle._meta.db_table} SET budget_until = %s WHERE id = %s",
            [made.budget_until + timedelta(days=1), made.pk],
        )
    report = verify()
    assert any(p.kind == "cycle.opened" and "budget_until" in p.what for p in report.problems), (
        report.problems
    )
