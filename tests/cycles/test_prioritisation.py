"""The assembly's prioritisation of the needs: a vote over the needs not withdrawn, and the order
recorded once it closes, ties broken by more supports, then the earlier report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.cycles import needs
from comuna.cycles.errors import CycleError
from comuna.cycles.models import CyclePhase, Need, NeedCategory, NeedSupport
from comuna.ledger import entries, verify
from comuna.voting import services as voting
from tests.conftest import SETUP
from tests.cycles.factories import cycle_in


def _needs(cast, cycle, titles, supports=()):
    """Needs reported in order (each a minute after the last), with ``supports[i]`` supporters
    for the i-th."""
    made = []
    start = timezone.now() - timedelta(days=20)
    supporters = [cast.resident, cast.spokesperson, cast.admin, cast.substitute]
    for i, title in enumerate(titles):
        need = Need.objects.create(
            cycle=cycle,
            category=NeedCategory.WATER,
            title=title,
            description=f"{title}: hace falta.",
            reported_by=cast.resident,
            reported_at=start + timedelta(minutes=i),
        )
        for resident in supporters[: supports[i] if i < len(supports) else 0]:
            NeedSupport.objects.create(need=need, resident=resident)
        made.append(need)
    return made


def _vote(poll, ballots):
    for user, choices in ballots:
        voting.cast(poll, user, choices)
    voting.close_poll(poll, by=SETUP)


def test_an_approval_vote_orders_the_needs_with_ties_broken_by_supports_then_report(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    a, b, c, d = _needs(cast, cycle, ["Agua", "Luz", "Gas", "Vías"], supports=(0, 1, 1, 0))
    poll = needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    assert sorted(poll.options.values_list("key", flat=True)) == sorted(
        str(n.pk) for n in (a, b, c, d)
    )
    cycle.refresh_from_db()
    assert cycle.priority_poll == poll
    # a: 2 approvals; b, c, d: 1 each (b and c one support each, b reported first; d none)
    _vote(
        poll,
        [
            (cast.resident.user, [str(a.pk), str(d.pk)]),
            (cast.spokesperson.user, [str(a.pk), str(c.pk)]),
            (cast.admin.user, [str(b.pk)]),
        ],
    )
    ordered = needs.record_priorities(cycle, by=cast.electoral.user)
    assert ordered == [a, b, c, d]
    assert [n.priority for n in needs.priorities(cycle)] == [1, 2, 3, 4]
    assert [n.pk for n in needs.priorities(cycle)] == [a.pk, b.pk, c.pk, d.pk]
    entry = entries(cast.council.ledger_chain).get(kind="cycle.prioritised")
    assert entry.data["order"] == [a.pk, b.pk, c.pk, d.pk]
    assert entry.data["scores"] == [2, 1, 1, 1]
    assert verify().ok


def test_a_ranked_vote_orders_the_needs_by_their_borda_score(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    a, b, c = _needs(cast, cycle, ["Agua", "Luz", "Gas"])
    poll = needs.open_prioritisation(cycle, method="ranked", by=cast.electoral.user)
    # Borda with 3 needs: 2, 1, 0 points. c: 2+2+0 = 4; a: 1+0+2 = 3; b: 0+1+1 = 2
    _vote(
        poll,
        [
            (cast.resident.user, [str(c.pk), str(a.pk), str(b.pk)]),
            (cast.spokesperson.user, [str(c.pk), str(b.pk)]),
            (cast.admin.user, [str(a.pk), str(b.pk), str(c.pk)]),
        ],
    )
    assert needs.record_priorities(cycle, by=cast.electoral.user) == [c, a, b]
    entry = entries(cast.council.ledger_chain).get(kind="cycle.prioritised")
    assert entry.data["scores"] == [4, 3, 2]
    assert verify().ok


def test_withdrawn_needs_stay_off_the_ballot(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    a, b, c = _needs(cast, cycle, ["Agua", "Luz", "Gas"])
    Need.objects.filter(pk=b.pk).update(withdrawn=True)
    poll = needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    assert sorted(poll.options.values_list("key", flat=True)) == sorted([str(a.pk), str(c.pk)])


def test_the_prioritisation_is_refused_out_of_its_phase_or_role_or_with_too_few_needs(cast):
    early = cycle_in(cast, CyclePhase.DIAGNOSIS)
    _needs(cast, early, ["Agua", "Luz"])
    with pytest.raises(CycleError, match="prioritisation phase"):
        needs.open_prioritisation(early, method="approval", by=cast.electoral.user)
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    _needs(cast, cycle, ["Agua"])
    with pytest.raises(CycleError, match="at least two"):
        needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    _needs(cast, cycle, ["Luz"])
    with pytest.raises(CycleError, match="electoral commission"):
        needs.open_prioritisation(cycle, method="approval", by=cast.resident.user)
    with pytest.raises(CycleError) as refused:
        needs.open_prioritisation(cycle, method="plurality", by=cast.electoral.user)
    assert refused.value.field == "method"
    assert (
        not entries(cast.council.ledger_chain).filter(kind="cycle.prioritisation_opened").exists()
    )
    needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    with pytest.raises(CycleError, match="already open"):
        needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)


def test_the_order_is_recorded_once_the_vote_closes_and_only_once(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    _needs(cast, cycle, ["Agua", "Agua"])  # the same title twice: options stay distinct
    with pytest.raises(CycleError, match="not been opened"):
        needs.record_priorities(cycle, by=cast.electoral.user)
    poll = needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    with pytest.raises(CycleError, match="still open"):
        needs.record_priorities(cycle, by=cast.electoral.user)
    voting.close_poll(poll, by=SETUP)
    needs.record_priorities(cycle, by=cast.electoral.user)
    with pytest.raises(CycleError, match="already recorded"):
        needs.record_priorities(cycle, by=cast.electoral.user)
    assert entries(cast.council.ledger_chain).filter(kind="cycle.prioritised").count() == 1


def test_ledger_verify_catches_a_priority_edited_in_sql(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    a, b = _needs(cast, cycle, ["Agua", "Luz"])
    poll = needs.open_prioritisation(cycle, method="approval", by=cast.electoral.user)
    _vote(poll, [(cast.resident.user, [str(b.pk)])])
    needs.record_priorities(cycle, by=cast.electoral.user)
    assert verify().ok
    with connection.cursor() as cursor:
        table = Need._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET priority = 3 - priority WHERE cycle_id = %s", [cycle.pk]
        )
    report = verify()
    assert any(p.kind == "cycle.prioritised" for p in report.problems), report.problems
