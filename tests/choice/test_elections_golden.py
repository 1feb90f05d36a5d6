"""Hand-verified elections with known outcomes, round by round."""

from fractions import Fraction
from pathlib import Path

import pytest

from comuna.choice.elections import count
from comuna.choice.elections.preflib import read_preflib
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile

DATA = Path(__file__).parent / "data"


def test_irv_and_plurality_differ_on_the_tennessee_capital_example():
    # Wikipedia, "Instant-runoff voting": Memphis leads on first choices (42) but Knoxville
    # wins the runoff: Chattanooga (15) out -> Knoxville 32; Nashville (26) out -> 58 of 100.
    profile = read_preflib(DATA / "elections_tennessee_capital.soc")
    assert count("plurality", profile).winners == ["Memphis"]
    result = count("irv", profile)
    assert result.winners == ["Knoxville"]
    assert [r.eliminated for r in result.rounds] == [["Chattanooga"], ["Nashville"], []]
    assert result.rounds[0].transfers == {"Knoxville": 15}
    assert result.rounds[1].tallies == {"Memphis": 42, "Nashville": 26, "Knoxville": 32}
    assert result.rounds[2].tallies == {"Memphis": 42, "Knoxville": 58}
    assert "majority" in result.rounds[2].reason
    assert "Memphis" in result.explain("Memphis") and "not elected" in result.explain("Memphis")


def test_schulze_reproduces_the_wikipedia_tables_and_ranking():
    # Wikipedia, "Schulze method", 45 voters: d[*,*] and p[*,*] as printed there (checked by
    # hand: e.g. A->E strongest path A-D-C-E = min(30, 28, 24) = 24, E->A direct 25).
    profile = read_preflib(DATA / "elections_schulze_wikipedia.soc")
    result = count("schulze", profile, seats=5)
    assert result.tables["pairwise"] == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    assert result.tables["strongest_paths"] == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert result.winners == ["E", "A", "C", "B", "D"]
    assert result.tie_breaks == []
    assert count("schulze", profile).winners == ["E"]


def test_stv_transfers_the_surplus_of_the_food_election():
    # Wikipedia, "Single transferable vote", 20 voters, 3 seats, Droop quota 6: Chocolate
    # (12) elected, surplus 6 at 1/2: 8 Chocolate>Strawberries give 4, 4 Chocolate>Hamburgers
    # give 2; Pears out -> Oranges 6 elected; Hamburgers out; Strawberries takes the last seat.
    profile = read_preflib(DATA / "elections_stv_food.soi")
    result = count("stv", profile, seats=3)
    assert result.quota == 6
    assert result.winners == ["Chocolate", "Oranges", "Strawberries"]
    first = result.rounds[0]
    assert first.elected == ["Chocolate"]
    assert first.transfers == {"Strawberries": 4, "Hamburgers": 2}
    surplus = next(m for m in first.says if m.id == "election.stv.surplus")
    assert surplus.params == {"candidate": "Chocolate", "surplus": 6, "value": "1/2"}
    assert "keeping 50% of its value" in first.reason
    assert result.rounds[1].eliminated == ["Pears"]
    assert result.rounds[2].elected == ["Oranges"]


def test_stv_inclusive_gregory_moves_every_ballot_of_the_pile_at_its_own_value():
    # By hand. 26 ballots, 3 seats, quota 26 // 4 + 1 = 7.
    # Round 1: A 12 elected, surplus 5, value 5/12: the 12 A>B>C ballots give B 5 -> B 8.
    # Round 2: B elected, surplus 1, value 1/8, applied to *all* B's ballots: 3 B>C at 1
    # give 3/8, 12 A>B>C at 5/12 give 12 * 5/12 * 1/8 = 5/8; C gets exactly 1 -> 5.
    # Round 3: C 5, D 5, E 2: E out (its 2 ballots exhaust). Round 4: C 5 = D 5; in
    # round 1 C had 4 < D 5, so C is eliminated and D takes the last seat.
    profile = RankedProfile.from_ballots(
        "ABCDE", [list("ABC"), list("BC"), ["C"], ["D"], ["E"]], [12, 3, 4, 5, 2]
    )
    result = count("stv", profile, seats=3)
    assert result.quota == 7
    assert result.rounds[0].transfers == {"B": 5}
    assert result.rounds[1].tallies["B"] == 8
    assert result.rounds[1].transfers == {"C": 1}
    assert result.rounds[2].tallies == {"C": 5, "D": 5, "E": 2}
    assert result.rounds[2].transfers == {"exhausted": 2}
    assert result.rounds[3].eliminated == ["C"]
    assert result.winners == ["A", "B", "D"]
    assert result.tie_breaks[0].id == "election.tie.fewest_before"
    assert "the first round where their votes differed" in result.summary()


def test_stv_keeps_fractional_tallies_exact():
    # By hand. 17 ballots, 2 seats, quota 6. A 9 elected, surplus 3, value 1/3: 7 A>B give
    # B 7/3, 2 A>C give C 2/3. Round 2: B 10/3, C 11/3, D 4.
    profile = RankedProfile.from_ballots(
        "ABCD", [list("AB"), list("AC"), ["B"], ["C"], ["D"]], [7, 2, 1, 3, 4]
    )
    result = count("stv", profile, seats=2)
    assert result.rounds[1].tallies == {"B": Fraction(10, 3), "C": Fraction(11, 3), "D": 4}
    assert result.rounds[1].eliminated == ["B"]
    assert result.rounds[1].exhausted == Fraction(10, 3)  # 1 plain B + 7 A>B at 1/3
    assert result.winners == ["A", "D"]
    assert result.to_dict()["rounds"][1]["tallies"]["B"] == "10/3"


def test_irv_breaks_an_elimination_tie_by_the_earliest_round_where_counts_differ():
    # By hand. 10 ballots: 4 A>B, 3 B>A, 1 C>D, 2 D>B.
    # Round 1: A 4, B 3, C 1, D 2 -> C out, its ballot goes to D.
    # Round 2: A 4, B 3, D 3: B and D tie; in round 1 D had 2 < B 3, so D is out; the
    # 2 D>B ballots go to B, the C>D ballot exhausts. Round 3: B 5 of 9 still counting wins.
    profile = RankedProfile.from_ballots(
        "ABCD", [list("AB"), list("BA"), list("CD"), list("DB")], [4, 3, 1, 2]
    )
    result = count("irv", profile)
    assert result.rounds[0].eliminated == ["C"]
    assert result.rounds[1].tallies == {"A": 4, "B": 3, "D": 3}
    assert result.rounds[1].eliminated == ["D"]
    tie = result.tie_breaks[0]
    assert (tie.id, tie.params) == (
        "election.tie.fewest_before",
        {"round": 2, "tied": ["B", "D"], "picked": "D", "earlier": 1},
    )
    assert "D was eliminated because it had fewer in round 1" in result.explain("D")
    assert result.rounds[2].tallies == {"A": 4, "B": 5}
    assert result.rounds[2].exhausted == 1
    assert result.winners == ["B"]


def test_tie_order_decides_a_perfect_tie_and_is_reported():
    # A 2, B 2 with no other information: the tie order alone decides.
    profile = RankedProfile.from_ballots("AB", [["A"], ["B"]], [2, 2])
    for rule in ("plurality", "irv", "schulze", "stv"):
        assert count(rule, profile).winners == ["A"], rule
        flipped = count(rule, profile, tie_order=["B", "A"])
        assert flipped.winners == ["B"], rule
        assert flipped.tie_breaks, rule


def test_approval_elects_the_most_approved_and_reports_the_tie_at_the_cut():
    # By hand: A 3, B 2, C 2, D 0 approvals; 2 seats -> A and (B or C by tie order).
    profile = ApprovalProfile.from_ballots("ABCD", [{"A", "B"}, {"A", "C"}, {"A"}, {"B", "C"}])
    result = count("approval", profile, seats=2)
    assert result.rounds[0].tallies == {"A": 3, "B": 2, "C": 2, "D": 0}
    assert result.winners == ["A", "B"]
    tie = result.tie_breaks[0]
    assert (tie.id, tie.params) == (
        "election.tie.votes",
        {"tied": ["B", "C"], "votes": 2, "won": ["B"], "lost": ["C"]},
    )
    assert "B and C tied with 2 votes" in result.summary()
    assert count("approval", profile, seats=2, tie_order=list("CBAD")).winners == ["A", "C"]


def test_count_refuses_unknown_rules_wrong_ballots_and_seats():
    ranked = RankedProfile.from_ballots("AB", [["A"]])
    with pytest.raises(ValueError, match="unknown rule 'borda'; known rules: plurality"):
        count("borda", ranked)
    with pytest.raises(ValueError, match=r"approval does not accept .*ranked ballots"):
        count("approval", ranked)
    with pytest.raises(
        ValueError, match=r"irv does not accept approval ballots \(it accepts: ranked"
    ):
        count("irv", ApprovalProfile.from_ballots("AB", [{"A"}]))
    with pytest.raises(TypeError, match="RankedProfile or an ApprovalProfile"):
        count("irv", [["A"]])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one seat"):
        count("irv", ranked, seats=2)
    with pytest.raises(ValueError, match="seats"):
        count("stv", ranked, seats=3)
    with pytest.raises(ValueError, match="tie_order"):
        count("irv", ranked, tie_order=["A"])


def test_no_valid_ballots_elects_no_one():
    blank = RankedProfile.from_ballots("AB", [[]], [5])
    for rule in ("irv", "stv", "schulze"):
        result = count(rule, blank)
        assert result.winners == [], rule
        assert [m.id for m in result.rounds[0].says] == ["election.no_valid"], rule
        assert "no valid ballots" in result.rounds[0].reason


def test_results_explain_each_candidate_in_words():
    profile = read_preflib(DATA / "elections_stv_food.soi")
    result = count("stv", profile, seats=3)
    said = result.explain("Chocolate")
    assert said.startswith("Chocolate was elected, in place 1 (rule: Single transferable vote).")
    assert "Chocolate had 6 votes more than the quota" in said
    assert "Pears had the fewest votes, 2, and was eliminated" in result.explain("Pears")
    assert "A candidate who reaches 6 votes, the quota, is elected." in result.summary()
    schulze = count("schulze", read_preflib(DATA / "elections_schulze_wikipedia.soc"))
    placed = schulze.says("E")[1]
    assert placed.id == "election.schulze.placed" and ["A", 25, 24] in placed.params["paths"]
    assert "A 25 to 24" in schulze.explain("E")  # E->A strongest path 25, A->E 24
    with pytest.raises(KeyError):
        result.explain("Nobody")
