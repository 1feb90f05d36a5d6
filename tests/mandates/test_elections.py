"""Elections: convened with a calendar in order and declared seats, amended before candidacies
close, cancelled before the vote; each in the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.ledger import entries, verify
from comuna.mandates import elections, seats
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Election, ElectionPhase, ElectionStatus
from comuna.territory import services
from comuna.territory.models import Counting, OrganKind
from tests.conftest import SETUP
from tests.mandates.factories import election_in


def _calendar(**changes):
    today = timezone.localdate()
    days = {
        "candidacy_opens": 0,
        "candidacy_closes": 7,
        "objections_close": 10,
        "vote_on": 20,
        "term_starts": 30,
    }
    found = {k: today + timedelta(days=d) for k, d in days.items()}
    found.update(changes)
    return found


@pytest.fixture
def declared(cast):
    seats.declare_seats(cast.health, seats=1, counting=Counting.UNINOMINAL, by=SETUP)
    sports = services.create_organ(
        cast.council, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Deportes"
    )
    seats.declare_seats(sports, seats=3, counting=Counting.STV, by=SETUP)
    return cast.health, sports


def test_the_commission_convenes_an_election_with_one_contest_per_organ(cast, declared):
    health, sports = declared
    election = elections.convene(
        cast.council,
        title="Vocerías 2027",
        contests=[health, sports],
        by=cast.electoral.user,
        **_calendar(),
    )
    assert election.phase() == ElectionPhase.CANDIDACY
    contests = list(election.contests.order_by("position"))
    assert [(c.organ, c.counting, c.seats.count()) for c in contests] == [
        (health, "uninominal", 1),
        (sports, "stv", 3),
    ]
    entry = entries(cast.council.ledger_chain).get(kind="election.convened")
    assert entry.data["calendar"]["vote_on"] == election.vote_on.isoformat()
    assert [c["organ"] for c in entry.data["contests"]] == [health.pk, sports.pk]
    assert verify().ok


def test_a_recall_election_elects_only_the_seat_given(cast, declared):
    _health, sports = declared
    seat = sports.seat_rows.get(number=2)
    election = elections.convene(
        cast.council, title="Puesto vacante", contests=[(sports, [seat])], by=SETUP, **_calendar()
    )
    assert list(election.contests.get().seats.all()) == [seat]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"candidacy_opens": timezone.localdate() - timedelta(days=1)}, "candidacy_opens"),
        ({"candidacy_closes": timezone.localdate() - timedelta(days=1)}, "candidacy_closes"),
        ({"objections_close": timezone.localdate() + timedelta(days=7)}, "objections_close"),
        ({"vote_on": timezone.localdate() + timedelta(days=10)}, "vote_on"),
        ({"term_starts": timezone.localdate() + timedelta(days=19)}, "term_starts"),
    ],
)
def test_a_calendar_out_of_order_is_refused_naming_the_field(cast, declared, changes, field):
    with pytest.raises(MandateError) as refused:
        elections.convene(
            cast.council, title="Vocerías", contests=[declared[0]], by=SETUP, **_calendar(**changes)
        )
    assert refused.value.field == field
    assert not Election.objects.exists()


def test_an_organ_without_declared_seats_is_refused(cast):
    with pytest.raises(MandateError, match="has not declared its seats"):
        elections.convene(
            cast.council, title="Vocerías", contests=[cast.health], by=SETUP, **_calendar()
        )
    assert not Election.objects.exists()


def test_an_organ_of_another_body_is_refused(cast, declared):
    seats.declare_seats(cast.parliament, seats=1, counting=Counting.UNINOMINAL, by=SETUP)
    with pytest.raises(MandateError, match="organ of another body"):
        elections.convene(
            cast.council, title="Vocerías", contests=[cast.parliament], by=SETUP, **_calendar()
        )


def test_the_calendar_is_amended_until_candidacies_close(cast):
    election = election_in(cast, ElectionPhase.CANDIDACY)
    later = election.vote_on + timedelta(days=3)
    elections.amend(election, vote_on=later, by=cast.electoral.user)
    election.refresh_from_db()
    assert election.vote_on == later
    entry = entries(cast.council.ledger_chain).get(kind="election.amended")
    assert entry.data["changed"] == ["vote_on"]
    with pytest.raises(MandateError, match="the day they opened cannot change"):
        elections.amend(election, candidacy_opens=timezone.localdate(), by=cast.electoral.user)
    closed = election_in(cast, ElectionPhase.OBJECTIONS)
    with pytest.raises(MandateError, match="candidacies have closed"):
        elections.amend(closed, vote_on=later, by=cast.electoral.user)


def test_ledger_verify_catches_a_calendar_changed_in_sql(cast, declared):
    election = elections.convene(
        cast.council, title="Vocerías", contests=[declared[0]], by=SETUP, **_calendar()
    )
    elections.amend(election, vote_on=election.vote_on + timedelta(days=1), by=SETUP)
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Election._meta.db_table} SET vote_on = %s WHERE id = %s",
            [election.vote_on + timedelta(days=5), election.pk],
        )
    assert any(p.kind == "election.amended" for p in verify().problems)


def test_an_election_is_cancelled_before_the_vote_with_its_reason(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    with pytest.raises(MandateError, match="Say why"):
        elections.cancel(election, reason="", by=cast.electoral.user)
    elections.cancel(election, reason="El consejo se fusiona", by=cast.electoral.user)
    election.refresh_from_db()
    assert election.status == ElectionStatus.CANCELLED
    assert elections.cancellation(election) == "El consejo se fusiona"
    voting = election_in(cast, ElectionPhase.VOTING)
    with pytest.raises(MandateError, match="the vote has begun"):
        elections.cancel(voting, reason="Tarde", by=cast.electoral.user)
