"""The vote, the count with substitutes, and conferring the mandates (comuna.mandates.results).

The expected outcomes are worked out by hand in each test's docstring, independently of the
engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from comuna.ledger import verify
from comuna.mandates import results
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Candidate,
    Contest,
    Election,
    ElectionPhase,
    ElectionStatus,
    Objection,
)
from comuna.territory import census
from comuna.territory.models import Counting, Mandate, MandateKind, OrganKind
from comuna.territory.permissions import Role, roles
from comuna.territory.services import create_organ
from comuna.voting import services as voting
from comuna.voting.models import Status as PollStatus
from tests.conftest import SETUP, add_voters, make_resident
from tests.mandates.factories import election_in, seats_of


def _ballot_day(cast, *, seats=3, candidates="ABCDEFG", voters=0) -> tuple[Election, list]:
    """An election in its campaign on the voting day for a new STV committee of ``seats``
    seats, with a standing candidate per letter (registered in that order); ``voters`` more
    residents on the register."""
    election = election_in(cast, ElectionPhase.CAMPAIGN, candidates=False)
    organ = create_organ(cast.council, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Agua")
    contest = election.contests.get()
    contest.organ, contest.counting = organ, Counting.STV
    contest.save()
    contest.seats.set(seats_of(organ, seats, Counting.STV))
    people = []
    for letter in candidates:
        resident = make_resident(cast.council, f"Candidata{letter}")
        people.append(Candidate.objects.create(contest=contest, resident=resident))
    if voters:
        add_voters(cast.council, voters, "V")
    return election, people


def _problems():
    """What ``ledger verify`` finds in the entries of elections and mandates (the factories
    change organs and seats straight in the models, which their own entries' checks see)."""
    return [p for p in verify().problems if p.kind.split(".")[0] in ("election", "mandate")]


def _paper(poll, ballots):
    """Hand-made ballots entered as one polling place's paper (the commission's system actor:
    one entry, no second enterer)."""
    voting.enter_paper(poll, "Casa comunal", by=SETUP, ballots=ballots)


def _keys(profile, letters="ABCDEFG"):
    """Ballots written with letters, as option keys (A is "1", B is "2"...)."""
    return [[str(letters.index(c) + 1) for c in ballot] for ballot, n in profile for _ in range(n)]


def test_an_stv_contest_of_three_seats_elects_principals_and_counts_substitutes_again(cast):
    """36 ballots, quota 36 // 4 + 1 = 10. First count: A reaches 10 (no surplus); G (1) is
    out, to E (4); F (2) is out, to B (10): B elected; E (4) is out, 3 to D (8), 1 exhausted;
    C (7) is out, to D (15): D elected. Principals A, B, D, in that order.
    Again without A, B, D: E 10 + 3 = 13, C 7 + 5 = 12, F 8 + 2 = 10, G 1; quota 10, so E, C
    and F are elected at once, by votes. Seat 1: A / E, seat 2: B / C, seat 3: D / F."""
    election, (a, b, c, d, e, f, g) = _ballot_day(cast, voters=21)
    profile = [
        ("AE", 10),
        ("BF", 8),
        ("CD", 7),
        ("DC", 5),
        ("ED", 3),
        ("FB", 2),
        ("GE", 1),
    ]
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    assert (poll.method, poll.rule, poll.seats) == ("ranked", "stv", 3)
    assert [o.label for o in poll.options.all()] == [str(x.resident) for x in (a, b, c, d, e, f, g)]
    _paper(poll, _keys(profile))

    results.count(election, by=cast.electoral.user)

    election.refresh_from_db()
    assert election.status == ElectionStatus.COUNTED
    result = election.contests.get().result
    assert result["principals"] == [a.pk, b.pk, d.pk]
    assert result["substitutes"] == [e.pk, c.pk, f.pk]
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    assert result["substitute_count"]["withdrawn"] == ["1", "2", "4"]
    assert result["substitute_count"]["tally"] == {"3": 12, "5": 13, "6": 10, "7": 1}
    assert _problems() == []


def test_a_uninominal_seat_goes_to_the_most_votes_and_its_substitute_to_the_runner_up(cast):
    """X 4, Y 2, Z 2 (registered X, Y, Z): X is elected. Again without X: Y 2 and Z 2 tie,
    and the tie goes to the one who registered first: Y is the substitute."""
    election, (x, y, z) = _ballot_day(cast, seats=1, candidates="XYZ")
    contest = election.contests.get()
    contest.counting = Counting.UNINOMINAL
    contest.save()
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    assert (poll.method, poll.rule, poll.seats) == ("single", "plurality", 1)
    _paper(poll, [["1"]] * 4 + [["2"]] * 2 + [["3"]] * 2)

    results.count(election, by=cast.electoral.user)

    result = Contest.objects.get(pk=contest.pk).result
    assert (result["principals"], result["substitutes"]) == ([x.pk], [y.pk])
    tie = [m for m in result["substitute_count"]["explanation"] if m["id"] == "election.tie.votes"]
    assert tie and tie[0]["params"]["won"] == ["2"]


def test_a_tie_for_the_seat_goes_to_the_candidate_who_registered_first(cast):
    """Online ballots: the resident (registered first) 1, the spokesperson 1: a tie; the
    resident is elected and the spokesperson is the substitute."""
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    first, second = election.contests.get().candidates.order_by("registered_at", "pk")
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    voting.cast(poll, cast.admin.user, "2")
    voting.cast(poll, cast.comptroller.user, "1")

    results.count(election, by=cast.electoral.user)

    result = election.contests.get().result
    assert (result["principals"], result["substitutes"]) == ([first.pk], [second.pk])


def test_the_vote_is_not_opened_before_its_day_nor_with_an_objection_undecided(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    Election.objects.filter(pk=election.pk).update(vote_on=timezone.localdate() + timedelta(days=2))
    with pytest.raises(MandateError, match="The vote opens on the voting day"):
        results.open_vote(election, by=cast.electoral.user)
    Election.objects.filter(pk=election.pk).update(vote_on=timezone.localdate())
    candidate = election.contests.get().candidates.first()
    Objection.objects.create(candidate=candidate, filed_by=cast.resident, grounds="No vive aquí.")
    with pytest.raises(MandateError, match="Decide every objection"):
        results.open_vote(election, by=cast.electoral.user)
    election.refresh_from_db()
    assert election.status == ElectionStatus.SCHEDULED
    assert election.contests.get().poll is None


def test_a_contest_with_one_candidate_is_refused_and_fewer_candidates_than_seats_leave_seats_vacant(
    cast,
):
    election, (a, b) = _ballot_day(cast, seats=3, candidates="AB")
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    assert poll.seats == 2
    _paper(poll, [["2", "1"]])
    results.count(election, by=cast.electoral.user)
    result = election.contests.get().result
    assert result["principals"] == [b.pk, a.pk]
    assert result["substitutes"] == []
    results.confer(election, by=cast.electoral.user)
    held = Mandate.objects.filter(seat__organ=election.contests.get().organ)
    assert sorted(held.values_list("seat__number", "kind", "resident")) == [
        (1, MandateKind.SPOKESPERSON, b.resident.pk),
        (2, MandateKind.SPOKESPERSON, a.resident.pk),
    ]  # seat 3 stays vacant

    lonely = election_in(cast, ElectionPhase.CAMPAIGN, candidates=False)
    Candidate.objects.create(contest=lonely.contests.get(), resident=cast.resident)
    with pytest.raises(MandateError, match="at least two"):
        results.open_vote(lonely, by=cast.electoral.user)


def _user(resident):
    """The resident's login read again (roles are cached on the user object)."""
    return get_user_model().objects.get(pk=resident.user_id)


def test_conferring_starts_the_winners_terms_and_ends_the_previous_holders_that_day(
    cast, monkeypatch
):
    """The health committee's seat: the resident wins (2 votes to 1), the spokesperson, who
    held the seat, is the substitute. The term starts in ten days: until then the
    spokesperson keeps the seat and its permissions; that day the resident holds them."""
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    seat = seats_of(cast.health)[0]
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    voting.cast(poll, cast.admin.user, "1")
    voting.cast(poll, cast.comptroller.user, "1")
    voting.cast(poll, cast.financial.user, "2")
    results.count(election, by=cast.electoral.user)

    conferred = results.confer(election, by=cast.electoral.user)

    election.refresh_from_db()
    starts = election.term_starts
    assert election.status == ElectionStatus.CONFERRED
    assert starts == timezone.localdate() + timedelta(days=10)
    principal, substitute = conferred
    assert (principal.resident, principal.kind, principal.seat) == (
        cast.resident,
        MandateKind.SPOKESPERSON,
        seat,
    )
    assert (substitute.resident, substitute.kind) == (cast.spokesperson, MandateKind.SUBSTITUTE)
    assert principal.starts_on == starts
    assert principal.ends_on == starts.replace(year=starts.year + election.statute.term_years)
    old = Mandate.objects.get(resident=cast.spokesperson, organ=cast.health, starts_on__lt=starts)
    old_substitute = Mandate.objects.get(resident=cast.substitute, organ=cast.health)
    assert old.ends_on == old_substitute.ends_on == starts
    with translation.override(settings.LANGUAGE_CODE):  # stored in the body's language
        assert old.end_reason == gettext("term ended; successor elected")

    assert Role.SPOKESPERSON in roles(_user(cast.spokesperson), cast.council)
    assert Role.SPOKESPERSON not in roles(_user(cast.resident), cast.council)
    day_before = starts - timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day_before)
    assert Role.SPOKESPERSON in roles(_user(cast.spokesperson), cast.council)
    assert Role.SPOKESPERSON not in roles(_user(cast.resident), cast.council)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: starts)
    assert Role.SPOKESPERSON not in roles(_user(cast.spokesperson), cast.council)
    assert Role.SPOKESPERSON in roles(_user(cast.resident), cast.council)
    monkeypatch.undo()
    assert _problems() == []


def test_each_step_is_refused_out_of_its_turn(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    with pytest.raises(MandateError, match="whose vote is open"):
        results.count(election, by=cast.electoral.user)
    with pytest.raises(MandateError, match="once the vote is counted"):
        results.confer(election, by=cast.electoral.user)
    results.open_vote(election, by=cast.electoral.user)
    with pytest.raises(MandateError, match="already opened"):
        results.open_vote(election, by=cast.electoral.user)


def test_ledger_verify_catches_a_rewritten_result(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    first, second = election.contests.get().candidates.order_by("registered_at", "pk")
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    voting.cast(poll, cast.admin.user, "1")
    results.count(election, by=cast.electoral.user)
    assert _problems() == []
    contest = election.contests.get()
    swapped = dict(contest.result, principals=[second.pk], substitutes=[first.pk])
    table = connection.ops.quote_name(Contest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET result = %s WHERE id = %s",
            [Contest._meta.get_field("result").get_db_prep_save(swapped, connection), contest.pk],
        )
    problems = _problems()
    assert [p.kind for p in problems] == ["election.counted"]
    assert "principals" in problems[0].what


def test_a_communes_vote_is_open_to_the_residents_of_its_member_councils(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN, body=cast.commune, candidates=False)
    contest = election.contests.get()
    for resident in (cast.resident, cast.spokesperson):
        Candidate.objects.create(contest=contest, resident=resident)
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    expected = census.register(cast.commune).values_list("pk", flat=True)
    assert sorted(poll.voters.values_list("resident", flat=True)) == sorted(expected)
    assert poll.voters.filter(resident=cast.outsider).exists()  # council B is a member too


def test_ledger_verify_catches_a_conferred_mandate_given_to_someone_else(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    (poll,) = results.open_vote(election, by=cast.electoral.user)
    voting.cast(poll, cast.admin.user, "1")
    results.count(election, by=cast.electoral.user)
    principal, _substitute = results.confer(election, by=cast.electoral.user)
    assert _problems() == []
    Mandate.objects.filter(pk=principal.pk).update(resident=cast.financial)
    kinds = {p.kind for p in _problems()}
    assert "election.conferred" in kinds
