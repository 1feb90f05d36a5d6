"""Small elections that, counted with every rule, make the engine say every message it can.

Shared by the tests that walk the renderers' table: in English here, in Spanish and
Portuguese in tests/voting/test_explain_in_the_readers_language.py.
"""

from __future__ import annotations

from comuna.choice.elections import count
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile
from comuna.choice.messages import Msg
from comuna.choice.pb import run
from tests.choice.oracle import make_instance


def pb_outcomes():
    """(rule, outcome) pairs covering every ``pb.*`` message."""
    trio = make_instance({"a": 4, "b": 3, "c": 6}, [["a", "c"], ["a", "c"], ["b", "c"]], budget=10)
    tie = make_instance({"9": 5, "10": 5, "x": 1}, [["9", "10"], ["9", "10"]], budget=7)
    threshold = make_instance(
        {"a": 1, "b": 5, "c": 5},
        [["a", "b", "c"], ["b", "c"], ["b"]],
        budget=6,
        meta={"min_project_score_threshold": "2"},
    )
    points = make_instance(
        {"p": 2, "q": 3, "r": 3, "z": 1},
        [{"p": 3, "q": 1, "z": 0}, {"q": 2, "r": 2}, {"p": 1, "r": 3}],
        budget=5,
        vote_type="cumulative",
    )
    three = make_instance(
        {"A": 20, "B": 15, "C": 9, "F": 0, "N": 2},
        [["A", "C", "F"], ["A", "C"], ["B", "C"]],
        budget=30,
    )
    over = make_instance({"X": 6, "Y": 6, "Z": 3}, [["X", "Z"], ["Y"]], budget=10)
    exhaustive = make_instance({"X": 6, "Y": 4}, [["X"], ["Y"]], budget=10)
    free = make_instance({"f": 0, "g": 4}, [["f", "g"], ["f"]], budget=10)
    empty = make_instance({"a": 1}, [], budget=1)
    stop = make_instance(
        {"x": 4, "y": 3, "z": 2, "big": 20},
        [["x", "big"], ["x"], ["x"], ["x"], ["y"], ["y"], ["z"]],
        budget=6,
    )
    unsupported = make_instance({"u": 2, "v": 2, "w": 1}, [["w"]], budget=3)
    unsupported_stop = make_instance({"u": 2, "v": 3}, [[]], budget=4)
    cases = [
        ("greedy-cost", trio),
        ("greedy-cost", tie),
        ("greedy-card", tie),
        ("greedy-threshold", threshold),
        ("greedy-points", points),
        ("greedy-threshold", points),
        ("mes-cost", three),
        ("mes-card", three),
        ("mes-points", points),
        ("mes-cost", empty),
        ("mes-cost-complete", over),
        ("mes-cost-complete", exhaustive),
        ("mes-cost-complete", free),
        ("mes-cost-complete", empty),
        ("phragmen", stop),
        ("phragmen", unsupported),
        ("phragmen", unsupported_stop),
    ]
    return [(rule, inst, run(rule, inst)) for rule, inst in cases]


def election_results():
    """Results covering every ``election.*`` message."""
    tennessee = RankedProfile.from_ballots(
        ["Memphis", "Nashville", "Chattanooga", "Knoxville"],
        [
            ["Memphis", "Nashville", "Chattanooga", "Knoxville"],
            ["Nashville", "Chattanooga", "Knoxville", "Memphis"],
            ["Chattanooga", "Knoxville", "Nashville", "Memphis"],
            ["Knoxville", "Chattanooga", "Nashville", "Memphis"],
        ],
        [42, 26, 15, 17],
    )
    tie_history = RankedProfile.from_ballots(
        "ABCD", [list("AB"), list("BA"), list("CD"), list("DB")], [4, 3, 1, 2]
    )
    flat = RankedProfile.from_ballots("AB", [["A"], ["B"]], [2, 2])
    stv = RankedProfile.from_ballots(
        "ABCD", [list("AB"), list("AC"), ["B"], ["C"], ["D"]], [7, 2, 1, 3, 4]
    )
    rest = RankedProfile.from_ballots("ABC", [["A"], ["B"], ["C"]], [5, 1, 1])
    elect_order = RankedProfile.from_ballots("ABC", [["A"], ["B"], ["C"]], [4, 4, 1])
    late = RankedProfile.from_ballots("AB", [["A", "B"], ["B"]], [3, 1])
    # D out by the tie order; B and C then tie for the last two seats, C ahead by round 1
    most_before = RankedProfile.from_ballots(
        "ABCD", [["A"], ["B"], ["C"], ["D", "B"]], [5, 1, 2, 1]
    )
    blank = RankedProfile.from_ballots("AB", [[]], [5])
    approval = ApprovalProfile.from_ballots("ABCD", [{"A", "B"}, {"A", "C"}, {"A"}, {"B", "C"}])
    return [
        count("plurality", tennessee),
        count("plurality", tennessee, seats=2),
        count("plurality", flat, tie_order=["B", "A"]),
        count("irv", tennessee),
        count("irv", tie_history),
        count("irv", flat, tie_order=["B", "A"]),
        count("irv", late),
        count("stv", stv, seats=2),
        count("stv", rest, seats=3),
        count("stv", elect_order, seats=2),
        count("stv", flat, tie_order=["B", "A"]),
        count("stv", most_before, seats=3),
        count("schulze", tennessee, seats=2),
        count("schulze", flat, tie_order=["B", "A"]),
        count("irv", blank),
        count("approval", approval),
        count("approval", approval, seats=2),
    ]


def messages() -> list[Msg]:
    """Every message the corpus makes: the steps, the heads of ``says``, the summaries'."""
    out: list[Msg] = []
    for _rule, inst, outcome in pb_outcomes():
        out += [s.msg for s in outcome.steps]
        for p in inst.projects:
            out += outcome.says(p.id)
    for result in election_results():
        out += result.messages()
        out.append(
            Msg(
                "election.summary",
                {"rule": result.rule, "seats": result.seats, "winners": result.winners},
            )
        )
        for c in result.candidates:
            out += result.says(c)
    return out
