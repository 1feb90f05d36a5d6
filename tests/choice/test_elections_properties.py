"""Random profiles: agreement with pref_voting and the invariants every count keeps."""

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff, instant_runoff_put
from pref_voting.margin_based_methods import beat_path
from pref_voting.profiles import Profile
from pref_voting.profiles_with_ties import ProfileWithTies

from comuna.choice.elections import count
from comuna.choice.elections.profile import RankedProfile
from comuna.choice.elections.schulze import pairwise_matrix

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def complete_profiles(draw, max_candidates=6):
    """(candidate count, rankings as lists of 0-based indices, counts): full linear orders."""
    m = draw(st.integers(2, max_candidates))
    rows = draw(st.lists(st.permutations(range(m)), min_size=1, max_size=12))
    counts = draw(st.lists(st.integers(1, 5), min_size=len(rows), max_size=len(rows)))
    return m, rows, counts


@st.composite
def truncated_profiles(draw, max_candidates=6):
    """Ballots ranking any prefix of a permutation (blank ones included), with counts."""
    m = draw(st.integers(2, max_candidates))
    perms = draw(st.lists(st.permutations(range(m)), min_size=1, max_size=14))
    rows = [p[: draw(st.integers(0, m))] for p in perms]
    counts = draw(st.lists(st.integers(1, 4), min_size=len(rows), max_size=len(rows)))
    tie_order = draw(st.permutations([f"c{i}" for i in range(m)]))
    return m, rows, counts, tie_order


def ranked(m, rows, counts):
    width = max(len(r) for r in rows) or 1
    arr = np.full((len(rows), width), -1)
    for i, r in enumerate(rows):
        arr[i, : len(r)] = r
    return RankedProfile([f"c{i}" for i in range(m)], arr, counts)


def index(name: str) -> int:
    return int(name[1:])


@SETTINGS
@given(complete_profiles())
def test_irv_winner_is_an_instant_runoff_winner_of_pref_voting(data):
    # pref_voting's instant_runoff_put returns every candidate that wins under *some* way of
    # breaking elimination ties; ours breaks them one way, so our winner must be among them.
    # When our count broke no tie, pref_voting's plain instant_runoff (which eliminates all
    # tied-last candidates at once) must name exactly our winner.
    m, rows, counts = data
    result = count("irv", ranked(m, rows, counts))
    theirs = Profile(rows, counts)
    assert index(result.winners[0]) in instant_runoff_put(theirs)
    if not result.tie_breaks:
        assert [index(result.winners[0])] == [int(c) for c in instant_runoff(theirs)]


@SETTINGS
@given(complete_profiles())
def test_schulze_unbeaten_set_equals_pref_voting_beat_path(data):
    # Complete orders: winning-votes and margin strengths give the same relation, so the
    # candidates no one beats must be exactly pref_voting's beat_path winners; our single
    # winner is the one of them earliest in the tie order (candidate order here).
    m, rows, counts = data
    result = count("schulze", ranked(m, rows, counts))
    p = np.array(result.tables["strongest_paths"])
    unbeaten = [a for a in range(m) if not (p[:, a] > p[a, :]).any()]
    expected = sorted(int(c) for c in beat_path(Profile(rows, counts)))
    assert unbeaten == expected
    assert index(result.winners[0]) == expected[0]


@SETTINGS
@given(truncated_profiles())
def test_schulze_with_margins_agrees_with_pref_voting_on_truncated_ballots(data):
    # Truncated ballots: a ranked candidate beats every unranked one (pref_voting's
    # "extended strict preference"); the pairwise counts and beat_path winners must agree.
    m, rows, counts, _ = data
    profile = ranked(m, rows, counts)
    if profile.n_valid == 0:
        return
    nonblank = [(r, c) for r, c in zip(rows, counts, strict=True) if r]
    theirs = ProfileWithTies(
        [{cand: place for place, cand in enumerate(r)} for r, _ in nonblank],
        [c for _, c in nonblank],
        candidates=list(range(m)),
    )
    theirs.use_extended_strict_preference()
    d = pairwise_matrix(profile)
    for a in range(m):
        for b in range(m):
            if a != b:
                assert d[a, b] - d[b, a] == theirs.margin(a, b)
    from comuna.choice.elections.schulze import schulze

    result = schulze(profile, strength="margin")
    p = np.array(result.tables["strongest_paths"])
    unbeaten = [a for a in range(m) if not (p[:, a] > p[a, :]).any()]
    assert unbeaten == sorted(int(c) for c in beat_path(theirs))


@SETTINGS
@given(truncated_profiles())
def test_stv_with_one_seat_elects_the_irv_winner(data):
    m, rows, counts, tie_order = data
    profile = ranked(m, rows, counts)
    assert (
        count("stv", profile, seats=1, tie_order=tie_order).winners
        == count("irv", profile, tie_order=tie_order).winners
    )


@SETTINGS
@given(truncated_profiles(max_candidates=7), st.integers(1, 7))
def test_stv_fills_exactly_the_seats_and_accounts_for_every_vote(data, seats):
    m, rows, counts, tie_order = data
    seats = min(seats, m)
    profile = ranked(m, rows, counts)
    result = count("stv", profile, seats=seats, tie_order=tie_order)
    if profile.n_valid == 0:
        assert result.winners == []
        return
    assert len(result.winners) == seats
    assert len(set(result.winners)) == seats
    # Every vote is somewhere: with a candidate still in the count, exhausted, or part of
    # the quota an elected candidate keeps once out of the count.
    exhausted_before = Fraction(0)
    for r in result.rounds:
        kept = sum(
            1 for w in result.winners if w not in r.tallies and _elected_before(result, w, r)
        )
        assert sum(r.tallies.values()) + exhausted_before + kept * result.quota == profile.n_valid
        exhausted_before = Fraction(r.exhausted)


def _several_surpluses_waited(result) -> bool:
    waiting: list[str] = []
    for r in result.rounds:
        waiting += [c for c in r.elected if r.tallies.get(c, 0) > result.quota]
        if len(waiting) > 1:
            return True
        if r.transferred_from in waiting:
            waiting.remove(r.transferred_from)
    return False


def _elected_before(result, winner, rnd):
    return any(winner in r.elected for r in result.rounds if r.number < rnd.number)


@SETTINGS
@given(truncated_profiles())
def test_irv_never_lets_a_majority_candidate_lose(data):
    # A candidate ranked first on a strict majority of the non-blank ballots wins IRV.
    m, rows, counts, tie_order = data
    profile = ranked(m, rows, counts)
    first = [0] * m
    for r, c in zip(rows, counts, strict=True):
        if r:
            first[r[0]] += c
    top = max(range(m), key=lambda j: first[j])
    if 2 * first[top] > profile.n_valid:
        assert count("irv", profile, tie_order=tie_order).winners == [f"c{top}"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truncated_profiles(), st.integers(2, 4))
def test_stv_agrees_with_pref_voting_weighted_inclusive_gregory(data, seats):
    # pref_voting's stv_wig with quota_rule="droop" is the same method in floats, with two
    # documented differences, so those counts are left out: it breaks ties by candidate
    # number, and when several surpluses wait it transfers them all before electing anyone
    # who reached the quota meanwhile (we elect at once, so later surpluses skip them).
    from pref_voting.proportional_methods import stv_wig

    m, rows, counts, _ = data
    seats = min(seats, m)
    profile = ranked(m, rows, counts)
    result = count("stv", profile, seats=seats)
    if profile.n_valid == 0 or result.tie_breaks:
        event("skipped: no ballots or a tie")
        return
    if _several_surpluses_waited(result):
        event("skipped: several surpluses waiting at once")
        return
    event("compared")
    nonblank = [(r, c) for r, c in zip(rows, counts, strict=True) if r]
    theirs = ProfileWithTies(
        [{cand: place for place, cand in enumerate(r)} for r, _ in nonblank],
        [c for _, c in nonblank],
        candidates=list(range(m)),
    )
    expected = sorted(int(c) for c in stv_wig(theirs, num_seats=seats, quota_rule="droop"))
    assert sorted(index(w) for w in result.winners) == expected


@settings(max_examples=100, deadline=None)
@given(truncated_profiles(max_candidates=20))
def test_pairwise_matrix_counts_every_preference_like_a_naive_count(data):
    # Up to 20 candidates, so the 16-candidate bitmask blocks are crossed too.
    m, rows, counts, _ = data
    naive = np.zeros((m, m), dtype=np.int64)
    for r, c in zip(rows, counts, strict=True):
        for i, a in enumerate(r):
            for b in range(m):
                if b != a and b not in r[:i]:
                    naive[a, b] += c  # a is ranked, b is ranked lower or not at all
    assert np.array_equal(pairwise_matrix(ranked(m, rows, counts)), naive)
