"""Eligibility: one test per rule, each asserting the reason given and that nothing is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comuna.ledger.models import Entry
from comuna.mandates import candidacy
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Candidate, Contest, ElectionPhase
from comuna.territory import services, statutes
from comuna.territory.models import Body, Counting, OrganKind, Resident
from tests.conftest import SETUP, make_resident
from tests.mandates.factories import election_in, seats_of


def _refused(contest, resident, by=SETUP, **kwargs) -> list[str]:
    """Stand ``resident``; the codes of the refusals, asserting nothing was stored."""
    before = (Candidate.objects.count(), Entry.objects.count())
    with pytest.raises(MandateError) as refused:
        candidacy.stand(contest, resident, by=by, **kwargs)
    assert (Candidate.objects.count(), Entry.objects.count()) == before
    found = refused.value.refusals
    assert str(refused.value) == " ".join(candidacy.describe(r) for r in found)
    return [r.code for r in found]


@pytest.fixture
def contest(cast):
    election = election_in(cast, ElectionPhase.CANDIDACY)
    return election.contests.get()


def test_a_resident_too_young_on_the_voting_day_is_refused(cast, contest):
    vote = contest.election.vote_on
    young = make_resident(
        cast.council, "Joven", born=vote.replace(year=vote.year - 15) + timedelta(days=1)
    )
    assert _refused(contest, young) == ["age"]
    refusal = candidacy.refusals(young, contest)[0]
    assert refusal.params["age"] == 14 and refusal.params["needed"] == 15
    assert "will be 14 on the voting day; the statute asks for 15 years" in str(refusal)


def test_a_resident_of_the_minimum_age_on_the_voting_day_stands(cast, contest):
    vote = contest.election.vote_on
    born = vote.replace(year=vote.year - 15)
    young = make_resident(cast.council, "Joven", born=born)
    assert candidacy.refusals(young, contest) == []


def test_a_resident_here_for_too_short_a_time_is_refused(cast, contest):
    newcomer = make_resident(
        cast.council, "Recién", since=timezone.localdate() - timedelta(days=100)
    )
    assert _refused(contest, newcomer) == ["residence"]
    assert "the statute asks for 12 months" in str(candidacy.refusals(newcomer, contest)[0])


def test_a_resident_of_another_body_is_refused(cast, contest):
    assert _refused(contest, cast.outsider) == ["not_resident"]
    assert "is not in the census of Consejo A" in str(candidacy.refusals(cast.outsider, contest)[0])


def test_residents_of_member_councils_stand_for_the_communes_organs(cast):
    seats_of(cast.parliament)
    election = election_in(cast, ElectionPhase.CANDIDACY, body=cast.commune)
    contest = election.contests.get()
    assert candidacy.refusals(cast.resident, contest) == []
    assert candidacy.refusals(cast.outsider, contest) == []


def test_the_spokesperson_of_another_organ_is_refused_a_second_seat(cast, contest):
    # the comptroller persona speaks for the comptroller unit until 2099
    assert _refused(contest, cast.comptroller) == ["other_seat"]
    assert "is spokesperson of Contraloría Social until 2099-01-01" in str(
        candidacy.refusals(cast.comptroller, contest)[0]
    )


def test_a_seat_in_another_organ_ending_when_the_new_term_starts_is_no_bar(cast, contest):
    holder = make_resident(cast.council, "Saliente")
    services.confer_mandate(
        cast.council,
        holder,
        organ=cast.financial_organ,
        kind="spokesperson",
        starts_on=timezone.localdate() - timedelta(days=700),
        ends_on=contest.election.term_starts,
        by=SETUP,
    )
    assert candidacy.refusals(holder, contest) == []


def test_a_second_candidacy_in_the_same_election_is_refused(cast, contest):
    sports = services.create_organ(
        cast.council, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Deportes"
    )
    other = Contest.objects.create(
        election=contest.election, organ=sports, counting=Counting.UNINOMINAL, position=2
    )
    other.seats.set(seats_of(sports))
    # the resident persona already stands for the health committee
    assert _refused(other, cast.resident) == ["other_candidacy"]
    assert "already stands for Comité de Salud in this election" in str(
        candidacy.refusals(cast.resident, other)[0]
    )


def test_a_holder_of_an_elected_public_office_is_refused(cast, contest):
    mayor = make_resident(cast.council, "Alcaldesa")
    Resident.objects.filter(pk=mayor.pk).update(public_office="Concejala municipal")
    mayor.refresh_from_db()
    assert _refused(contest, mayor) == ["public_office"]
    assert "(Concejala municipal)" in str(candidacy.refusals(mayor, contest)[0])


def test_public_office_is_no_bar_when_the_statute_allows_it(cast):
    statutes.amend(cast.council, {"no_public_office": False}, by=SETUP)
    council = Body.objects.get(pk=cast.council.pk)
    contest = election_in(cast, ElectionPhase.CANDIDACY, body=council).contests.get()
    mayor = make_resident(cast.council, "Alcaldesa")
    Resident.objects.filter(pk=mayor.pk).update(public_office="Concejala municipal")
    mayor.refresh_from_db()
    assert candidacy.refusals(mayor, contest) == []


def test_the_holder_is_refused_re_election_when_the_statute_forbids_it(cast):
    statutes.amend(cast.council, {"reelection_allowed": False}, by=SETUP)
    council = Body.objects.get(pk=cast.council.pk)
    contest = election_in(cast, ElectionPhase.CANDIDACY, body=council, candidates=False)
    contest = contest.contests.get()
    # the spokesperson persona holds the health committee's seat
    assert _refused(contest, cast.spokesperson) == ["reelection"]
    assert "does not allow re-election" in str(candidacy.refusals(cast.spokesperson, contest)[0])


def test_the_holder_may_stand_again_when_the_statute_allows_re_election(cast):
    contest = election_in(cast, ElectionPhase.CANDIDACY, candidates=False).contests.get()
    assert candidacy.refusals(cast.spokesperson, contest) == []


def test_a_candidate_already_standing_for_the_contest_is_refused(cast, contest):
    assert _refused(contest, cast.resident) == ["already_standing"]
    assert "is already a candidate for Comité de Salud" in str(
        candidacy.refusals(cast.resident, contest)[0]
    )


def test_every_failed_rule_is_given_at_once(cast, contest):
    newcomer = make_resident(
        cast.council, "Recién", since=timezone.localdate() - timedelta(days=100)
    )
    Resident.objects.filter(pk=newcomer.pk).update(public_office="Diputada")
    newcomer.refresh_from_db()
    assert _refused(contest, newcomer) == ["residence", "public_office"]
